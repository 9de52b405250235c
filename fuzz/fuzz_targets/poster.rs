//! The poster pipeline a downloaded image goes through before it is cached
//! (`posters::thumbs::process`: sniff, decode under limits, orient, crop,
//! resize, encode WebP). Bad bytes must be refused with an error; what is
//! accepted gives both thumbnails, 2:3, never wider than asked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchlog_core::posters::thumbs::{process, MAX_SIDE, SIZES};

fuzz_target!(|data: &[u8]| {
    let Ok(p) = process(data) else { return };
    assert!(p.width <= MAX_SIDE && p.height <= MAX_SIDE, "{}x{}", p.width, p.height);
    assert_eq!(p.thumbs.len(), SIZES.len());
    for (t, size) in p.thumbs.iter().zip(SIZES) {
        assert_eq!(t.size, size);
        assert!(t.width >= 1 && t.width <= size, "width {} for {size}", t.width);
        assert_eq!(t.height, ((t.width as f64) * 1.5).round() as u32);
        assert!(!t.data.is_empty(), "an empty thumbnail");
    }
});
