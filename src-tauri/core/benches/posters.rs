//! Poster pipeline throughput over the real posters in
//! `../shared/fixtures/images/posters/`: decode + both thumbnails + encode,
//! per poster, single-threaded and on all cores; the cache bytes per poster;
//! the resize alone with `fast_image_resize` against `image`'s own resize;
//! WebP against JPEG for the thumbnails; and, in the same run, the same work
//! done by `sharp` (libvips) when `WATCHLOG_SHARP_DIR` names a folder where
//! the npm package `sharp` is installed.
//!
//! `cargo bench -p watchlog-core --bench posters`

use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fast_image_resize::Resizer;
use image::{DynamicImage, ImageEncoder};
use watchlog_core::posters::thumbs::{self, SIZES};
use watchlog_testkit::fixtures;

fn posters() -> Vec<(String, Vec<u8>)> {
    let root = fixtures::dir().join("images/posters");
    let mut out = Vec::new();
    for sub in ["cc_by_blender", "derived", "public_domain_vintage"] {
        let Ok(rd) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            out.push((
                format!("{sub}/{}", e.file_name().to_string_lossy()),
                std::fs::read(e.path()).expect("readable fixture"),
            ));
        }
    }
    out.sort();
    if out.is_empty() {
        let msg = format!("no posters under {}", root.display());
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("skipping: {msg}");
        std::process::exit(0);
    }
    out
}

/// Best of `rounds` wall-clock runs of `f` (least disturbed by other work).
fn best(rounds: usize, mut f: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn ms(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1000.0 / n as f64
}

fn main() {
    let files = posters();
    let n = files.len();
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get());
    println!("{n} real posters, {threads} cores");

    // The whole pipeline, one thread.
    let single = best(3, || {
        for (_, b) in &files {
            thumbs::process(b).expect("a real poster decodes");
        }
    });
    // All cores: the posters shared out over one thread per core.
    let parallel = best(3, || {
        std::thread::scope(|s| {
            for chunk in 0..threads {
                let files = &files;
                s.spawn(move || {
                    for (_, b) in files.iter().skip(chunk).step_by(threads) {
                        thumbs::process(b).expect("a real poster decodes");
                    }
                });
            }
        });
    });
    let cache_bytes: u64 = files
        .iter()
        .map(|(_, b)| thumbs::process(b).unwrap().bytes())
        .sum();
    let source_bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!(
        "watchlog  decode+2 thumbs+WebP: {:.1} ms/poster (1 thread), {:.1} ms/poster ({threads} threads)",
        ms(single, n),
        ms(parallel, n)
    );
    println!(
        "cache: {:.1} KB/poster (both sizes) from {:.0} KB/poster downloaded",
        cache_bytes as f64 / 1024.0 / n as f64,
        source_bytes as f64 / 1024.0 / n as f64
    );

    // Stage split and the choices: decode once, then resize and encode.
    let decoded: Vec<DynamicImage> = files
        .iter()
        .map(|(_, b)| thumbs::decode(b).unwrap())
        .collect();
    let decode = best(3, || {
        for (_, b) in &files {
            thumbs::decode(b).unwrap();
        }
    });
    let rgb: Vec<DynamicImage> = decoded
        .iter()
        .map(|i| DynamicImage::ImageRgb8(i.to_rgb8()))
        .collect();
    let mut resizer = Resizer::new();
    let fir = best(3, || {
        for img in &rgb {
            for s in SIZES {
                thumbs::resize_cover(&mut resizer, img, s).unwrap();
            }
        }
    });
    let img_resize = best(1, || {
        for img in &rgb {
            for s in SIZES {
                let (l, t, w, h) = thumbs::cover_crop(img.width(), img.height());
                let crop = img.crop_imm(l as u32, t as u32, w as u32, h as u32);
                let tw = s.min(w as u32);
                let _ = crop.resize_exact(tw, tw * 3 / 2, image::imageops::FilterType::Lanczos3);
            }
        }
    });
    let resized: Vec<(u32, u32, Vec<u8>)> = rgb
        .iter()
        .flat_map(|img| SIZES.map(|s| thumbs::resize_cover(&mut resizer, img, s).unwrap()))
        .collect();
    let mut webp_bytes = 0;
    let webp = best(3, || {
        webp_bytes = 0;
        for (w, h, px) in &resized {
            webp_bytes += thumbs::encode_webp(px, *w, *h, false).unwrap().len();
        }
    });
    let mut methods = Vec::new();
    for method in [0, 2, 4, 6] {
        let mut bytes = 0;
        let t = best(1, || {
            bytes = 0;
            for (w, h, px) in &resized {
                bytes += thumbs::encode_webp_with(px, *w, *h, false, method)
                    .unwrap()
                    .len();
            }
        });
        methods.push(format!(
            "m{method} {:.1} ms {:.1} KB",
            ms(t, n),
            bytes as f64 / 1024.0 / n as f64
        ));
    }
    let mut jpeg_bytes = 0;
    let jpeg = best(3, || {
        jpeg_bytes = 0;
        for (w, h, px) in &resized {
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut out), 82)
                .write_image(px, *w, *h, image::ExtendedColorType::Rgb8)
                .unwrap();
            jpeg_bytes += out.len();
        }
    });
    println!(
        "  decode:                         {:.1} ms/poster",
        ms(decode, n)
    );
    println!(
        "  resize both sizes, fast_image_resize Lanczos3: {:.2} ms/poster; image::resize_exact Lanczos3: {:.1} ms/poster",
        ms(fir, n),
        ms(img_resize, n)
    );
    println!(
        "  encode both sizes, WebP q80 m{}: {:.1} ms/poster, {:.1} KB; JPEG q82 (image): {:.1} ms/poster, {:.1} KB",
        thumbs::WEBP_METHOD,
        ms(webp, n),
        webp_bytes as f64 / 1024.0 / n as f64,
        ms(jpeg, n),
        jpeg_bytes as f64 / 1024.0 / n as f64
    );

    println!("  WebP q80 by effort, per poster: {}", methods.join("; "));

    sharp(n);
}

/// The same job in sharp: decode (with EXIF rotation), cover-crop to 2:3 at
/// 342 and 780 wide (no enlargement), WebP q80; one poster at a time, then
/// with sharp's own thread pool over all cores.
fn sharp(n: usize) {
    let Some(dir) = std::env::var_os("WATCHLOG_SHARP_DIR") else {
        println!("sharp: skipped (set WATCHLOG_SHARP_DIR to a folder with `npm install sharp`)");
        return;
    };
    let root = fixtures::dir().join("images/posters");
    let script = r#"
const sharp = require('sharp');
const fs = require('fs'), path = require('path');
const root = process.argv[1];
const files = [];
for (const sub of ['cc_by_blender', 'derived', 'public_domain_vintage'])
  for (const f of fs.readdirSync(path.join(root, sub))) files.push(fs.readFileSync(path.join(root, sub, f)));
async function one(buf) {
  let bytes = 0;
  for (const w of [342, 780]) {
    const out = await sharp(buf).rotate()
      .resize({ width: w, height: Math.round(w * 1.5), fit: 'cover', withoutEnlargement: true, kernel: 'lanczos3' })
      .webp({ quality: 80 }).toBuffer();
    bytes += out.length;
  }
  return bytes;
}
(async () => {
  const best = async (f) => { let b = Infinity; for (let i = 0; i < 3; i++) { const t = process.hrtime.bigint(); await f(); b = Math.min(b, Number(process.hrtime.bigint() - t) / 1e6); } return b; };
  sharp.concurrency(1);
  const single = await best(async () => { for (const f of files) await one(f); });
  sharp.concurrency(0);
  const par = await best(async () => { await Promise.all(files.map(one)); });
  let bytes = 0; for (const f of files) bytes += await one(f);
  console.log(`sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}): ${(single / files.length).toFixed(1)} ms/poster (1 thread), ${(par / files.length).toFixed(1)} ms/poster (all cores), ${(bytes / 1024 / files.length).toFixed(1)} KB/poster`);
})();
"#;
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&root)
        .env("NODE_PATH", PathBuf::from(&dir).join("node_modules"))
        .output();
    match out {
        Ok(o) if o.status.success() => print!("{}", String::from_utf8_lossy(&o.stdout)),
        Ok(o) => println!("sharp: failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => println!("sharp: cannot run node: {e}"),
    }
    let _ = n;
}
