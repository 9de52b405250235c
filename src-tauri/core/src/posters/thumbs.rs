//! Turns downloaded bytes into the cache's thumbnails: sniff the format from
//! the bytes, decode under limits, honour EXIF orientation, cover-crop to
//! 2:3, resize with `fast_image_resize`, encode lossy WebP. Pure and
//! synchronous (no I/O), so the benchmark times exactly what a fetch does.

use std::io::Cursor;

use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::{Error, Result};

/// The thumbnail widths the UI asks for: the grid (342) and the detail view
/// (780). Both keep the 2:3 poster shape.
pub const SIZES: [u32; 2] = [342, 780];

/// Largest side accepted before decoding. The biggest real posters are
/// about 2000×3000; 12000 leaves room for print scans and refuses the
/// decompression bombs (225000×225000) at the header.
pub const MAX_SIDE: u32 = 12_000;

/// Most memory one decode may allocate: a 12000×12000 RGBA image is 576 MB,
/// so the side limit alone would not bound memory; this does.
pub const MAX_ALLOC: u64 = 256 << 20;

/// WebP quality. 80 is where libwebp's output stops showing blocking on
/// posters' flat colours and gradients; above it size grows fast for no
/// visible gain at thumbnail size.
pub const WEBP_QUALITY: f32 = 80.0;

/// One encoded thumbnail.
#[derive(Debug, Clone)]
pub struct Thumb {
    /// The nominal width it answers for (one of [`SIZES`]).
    pub size: u32,
    pub width: u32,
    pub height: u32,
    /// WebP bytes.
    pub data: Vec<u8>,
}

/// What one source image became.
#[derive(Debug, Clone)]
pub struct Processed {
    /// BLAKE3 of the source bytes, hex: the cache's file name.
    pub hash: String,
    /// The source's size after orientation.
    pub width: u32,
    pub height: u32,
    pub thumbs: Vec<Thumb>,
}

impl Processed {
    /// Bytes the thumbnails take on disk.
    pub fn bytes(&self) -> u64 {
        self.thumbs.iter().map(|t| t.data.len() as u64).sum()
    }
}

/// The content hash the cache names files by.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Decodes `bytes` safely: the format comes from the bytes (never the URL or
/// Content-Type), only JPEG, PNG and WebP are accepted, limits are set
/// before any pixel is decoded, EXIF orientation is applied, and a JPEG cut
/// short is refused rather than cached with a grey lower half.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::invalid(format!("the poster could not be read ({e})")))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        Some(other) => {
            return Err(Error::invalid(format!(
                "the poster is a {} image; Watchlog accepts JPEG, PNG and WebP",
                other
                    .extensions_str()
                    .first()
                    .unwrap_or(&"unknown")
                    .to_uppercase()
            )))
        }
        None if looks_like_html(bytes) => {
            return Err(Error::invalid(
                "the poster address returned a web page, not an image",
            ))
        }
        None => {
            return Err(Error::invalid(
                "the poster address did not return an image Watchlog can read",
            ))
        }
    }
    if reader.format() == Some(ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        return Err(Error::invalid(
            "the poster image is incomplete (the download was cut short)",
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let orientation = decoder.orientation().map_err(describe)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(describe)?;
    img.apply_orientation(orientation);
    if img.width() == 0 || img.height() == 0 {
        return Err(Error::invalid("the poster image is empty"));
    }
    Ok(img)
}

/// Decodes, thumbnails and encodes one poster.
pub fn process(bytes: &[u8]) -> Result<Processed> {
    let img = decode(bytes)?;
    let (width, height) = (img.width(), img.height());
    let thumbs = thumbnails(&img)?;
    Ok(Processed {
        hash: content_hash(bytes),
        width,
        height,
        thumbs,
    })
}

/// Both thumbnails of a decoded image, WebP-encoded.
pub fn thumbnails(img: &DynamicImage) -> Result<Vec<Thumb>> {
    // Posters are opaque almost always; keeping alpha only when the source
    // has it saves a quarter of the resize work and the WebP alpha plane.
    let src: DynamicImage = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8())
    };
    let mut resizer = Resizer::new();
    SIZES
        .iter()
        .map(|&size| {
            let (w, h, pixels) = resize_cover(&mut resizer, &src, size)?;
            let data = encode_webp(&pixels, w, h, src.color().has_alpha())?;
            Ok(Thumb {
                size,
                width: w,
                height: h,
                data,
            })
        })
        .collect()
}

/// The centred 2:3 window of a `w`×`h` image, as (left, top, width, height).
pub fn cover_crop(w: u32, h: u32) -> (f64, f64, f64, f64) {
    let (w, h) = (w as f64, h as f64);
    if w * 3.0 > h * 2.0 {
        let cw = h * 2.0 / 3.0;
        ((w - cw) / 2.0, 0.0, cw, h)
    } else {
        let ch = w * 1.5;
        (0.0, (h - ch) / 2.0, w, ch)
    }
}

/// Cover-crops `src` (RGB8 or RGBA8) to 2:3 and resizes it to `size` wide
/// with Lanczos3; never upscales (a 500 px source gives a 500 px "780").
pub fn resize_cover(
    resizer: &mut Resizer,
    src: &DynamicImage,
    size: u32,
) -> Result<(u32, u32, Vec<u8>)> {
    let (left, top, cw, ch) = cover_crop(src.width(), src.height());
    let w = size.min(cw.floor() as u32).max(1);
    let h = ((w as f64) * 1.5).round().max(1.0) as u32;
    let pixel = if src.color().has_alpha() {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let mut dst = FirImage::new(w, h, pixel);
    let opts = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(left, top, cw, ch);
    resizer
        .resize(src, &mut dst, &opts)
        .map_err(|e| Error::invalid(format!("the poster could not be resized ({e})")))?;
    Ok((w, h, dst.into_vec()))
}

/// libwebp's effort (0 fastest … 6 smallest). See [`encode_webp_with`] and
/// `docs/BENCHMARKS.md` for the measured trade-off.
pub const WEBP_METHOD: i32 = 2;

/// Lossy WebP through libwebp, at [`WEBP_QUALITY`] and [`WEBP_METHOD`].
pub fn encode_webp(pixels: &[u8], w: u32, h: u32, alpha: bool) -> Result<Vec<u8>> {
    encode_webp_with(pixels, w, h, alpha, WEBP_METHOD)
}

/// Lossy WebP with an explicit effort `method`, for the benchmark.
pub fn encode_webp_with(
    pixels: &[u8],
    w: u32,
    h: u32,
    alpha: bool,
    method: i32,
) -> Result<Vec<u8>> {
    let enc = if alpha {
        webp::Encoder::from_rgba(pixels, w, h)
    } else {
        webp::Encoder::from_rgb(pixels, w, h)
    };
    let mut config = webp::WebPConfig::new()
        .map_err(|()| Error::invalid("the WebP encoder could not be set up"))?;
    config.quality = WEBP_QUALITY;
    config.method = method;
    config.alpha_compression = 1;
    let out = enc
        .encode_advanced(&config)
        .map_err(|e| Error::invalid(format!("the thumbnail could not be encoded ({e:?})")))?;
    Ok(out.to_vec())
}

/// Whether a JPEG's last scan is followed by its end-of-image marker. Inside
/// entropy-coded data every 0xFF is stuffed, so `FF D9` after the last `FF DA`
/// (start of scan) can only be the real end; a download cut short lacks it,
/// and zune-jpeg would otherwise fill the missing rows with grey.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_sos = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_sos {
        Some(i) => bytes[i..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.contains("<body")
}

/// Words a user understands for the decoder's errors.
fn describe(e: image::ImageError) -> Error {
    use image::error::{ImageError, LimitErrorKind};
    match e {
        ImageError::Limits(l) => match l.kind() {
            LimitErrorKind::DimensionError => Error::invalid(format!(
                "the poster image is larger than {MAX_SIDE}×{MAX_SIDE} pixels; it was refused"
            )),
            _ => Error::invalid(format!(
                "the poster image would need more than {} MB of memory to open; it was refused",
                MAX_ALLOC >> 20
            )),
        },
        ImageError::Unsupported(u) => Error::invalid(format!(
            "the poster image uses a feature Watchlog cannot read ({u})"
        )),
        ImageError::Decoding(d) => {
            Error::invalid(format!("the poster image is damaged or incomplete ({d})"))
        }
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::invalid("the poster image is incomplete (the download was cut short)")
        }
        other => Error::invalid(format!("the poster image could not be read ({other})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_crop_keeps_two_by_three() {
        let close = |a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)| {
            [(a.0, b.0), (a.1, b.1), (a.2, b.2), (a.3, b.3)]
                .iter()
                .all(|(x, y)| (x - y).abs() < 1e-9)
        };
        // Wide: the sides are cut.
        let wide = cover_crop(1000, 1000);
        assert!(
            close(wide, (500.0 / 3.0, 0.0, 2000.0 / 3.0, 1000.0)),
            "{wide:?}"
        );
        // Tall: top and bottom are cut.
        let tall = cover_crop(903, 2000);
        assert!(
            close(tall, (0.0, (2000.0 - 1354.5) / 2.0, 903.0, 1354.5)),
            "{tall:?}"
        );
        // Exactly 2:3: nothing is cut.
        assert_eq!(cover_crop(500, 750), (0.0, 0.0, 500.0, 750.0));
    }

    #[test]
    fn a_jpeg_without_its_end_marker_is_incomplete() {
        let good = [0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 0xFF, 0x00, 3, 0xFF, 0xD9];
        assert!(jpeg_is_complete(&good));
        assert!(!jpeg_is_complete(&good[..8]));
        assert!(!jpeg_is_complete(&[0xFF, 0xD8]));
    }

    #[test]
    fn a_made_image_round_trips_into_two_thumbnails() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(600, 900, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let p = process(&png).unwrap();
        assert_eq!((p.width, p.height), (600, 900));
        let dims: Vec<_> = p
            .thumbs
            .iter()
            .map(|t| (t.size, t.width, t.height))
            .collect();
        assert_eq!(dims, vec![(342, 342, 513), (780, 600, 900)]);
        for t in &p.thumbs {
            let back = image::load_from_memory(&t.data).unwrap();
            assert_eq!((back.width(), back.height()), (t.width, t.height));
        }
    }
}
