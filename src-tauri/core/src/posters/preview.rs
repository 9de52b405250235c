//! Thumbnails for catalogue search results. The Add dialog shows a small
//! poster beside each result, but the webview may not load images from the
//! internet (the CSP allows only the app's own `poster:` scheme). So the app
//! fetches the result's image here, through the shared client and the same
//! safe decoder as the cache, and serves the small WebP itself. Nothing is
//! written to disk: a search result is not in the library yet.

use super::thumbs;
use crate::error::Result;
use crate::net::{HttpClient, RequestOptions};

/// Width of a search-result thumbnail: the dialog shows them at about 50 px,
/// so this is sharp on a high-density screen and tiny to encode.
pub const SEARCH_THUMB_WIDTH: u32 = 120;

/// Fetches `url` and returns a 2:3 WebP thumbnail of it.
pub async fn search_thumbnail(client: &HttpClient, url: &str) -> Result<Vec<u8>> {
    let response = client
        .get(
            url,
            RequestOptions {
                service: "the catalogue's image server",
                bearer: None,
                secret: None,
            },
        )
        .await?;
    // Decoding and resizing are CPU work: off the async threads.
    let bytes = response.body;
    tokio::task::spawn_blocking(move || thumbnail(&bytes))
        .await
        .map_err(|e| crate::Error::invalid(format!("the thumbnail could not be made ({e})")))?
}

/// The thumbnail of already-fetched image bytes.
pub fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>> {
    let img = thumbs::decode(bytes)?;
    let src = if img.color().has_alpha() {
        image::DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(img.to_rgb8())
    };
    let mut resizer = fast_image_resize::Resizer::new();
    let (w, h, pixels) = thumbs::resize_cover(&mut resizer, &src, SEARCH_THUMB_WIDTH)?;
    thumbs::encode_webp(&pixels, w, h, src.color().has_alpha())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_small_two_by_three_webp_and_refuses_garbage() {
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            300,
            450,
            image::Rgb([200, 40, 90]),
        ))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
        let webp = thumbnail(&png).unwrap();
        let out = image::load_from_memory(&webp).unwrap();
        assert_eq!((out.width(), out.height()), (120, 180));
        assert!(thumbnail(b"<html>not an image</html>").is_err());
    }
}
