//! Cached posters for exports: the HTML review page embeds each entry's
//! grid-sized thumbnail from the cache, so the page needs no network.

use super::PosterCache;
use crate::model::Entry;
use crate::store::Library;
use crate::transfer::{Poster, PosterSource};

/// The thumbnail size embedded in exports: the grid's, small enough that a
/// page of hundreds of reviews stays a reasonable size.
const EXPORT_SIZE: u32 = 342;

/// A `PosterSource` reading the poster cache. Entries whose poster is not
/// cached (never fetched, failed, pruned) get the export's placeholder.
pub struct CachedPosters<'a> {
    lib: &'a Library,
    cache: &'a PosterCache,
}

impl<'a> CachedPosters<'a> {
    pub fn new(lib: &'a Library, cache: &'a PosterCache) -> Self {
        CachedPosters { lib, cache }
    }
}

impl PosterSource for CachedPosters<'_> {
    fn poster(&self, entry: &Entry) -> Option<Poster> {
        // A missing poster is not an error for an export: the placeholder
        // is the honest rendering of "no poster here".
        let hash = self.lib.poster_id(entry.id).ok().flatten()?;
        let bytes = std::fs::read(self.cache.path(&hash, EXPORT_SIZE)).ok()?;
        Some(Poster {
            mime: "image/webp".into(),
            bytes,
        })
    }
}
