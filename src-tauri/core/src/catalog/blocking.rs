//! The catalogue for callers without an async runtime (the CLI): the same
//! calls as [`Catalog`], each run to completion on a small current-thread
//! runtime this value owns. It keeps its own HTTP client, because pooled
//! connections belong to the runtime that opened them.

use std::path::Path;

use tokio::runtime::{Builder, Runtime};

use super::{
    Catalog, CatalogConfig, CatalogRef, Details, MatchOutcome, MatchQuery, Provider,
    RefreshProgress, RefreshRun, RefreshSelection, SearchResult,
};
use crate::error::{Error, Result};
use crate::model::ExternalIds;
use crate::progress::CancelToken;

/// [`Catalog`], blocking.
pub struct BlockingCatalog {
    runtime: Runtime,
    catalog: Catalog,
}

impl std::fmt::Debug for BlockingCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.catalog.fmt(f)
    }
}

impl BlockingCatalog {
    pub fn new(config: CatalogConfig) -> Result<Self> {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::io("cannot start the network runtime", e))?;
        // The client is built inside the runtime so its pool lives there.
        let catalog = runtime.block_on(async { Catalog::new(config) })?;
        Ok(BlockingCatalog { runtime, catalog })
    }

    /// The async catalogue underneath, for code that has a runtime.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn search(&self, provider: Provider, query: &str) -> Result<Vec<SearchResult>> {
        self.runtime.block_on(self.catalog.search(provider, query))
    }

    pub fn details(&self, show: &CatalogRef) -> Result<Details> {
        self.runtime.block_on(self.catalog.details(show))
    }

    pub fn lookup(&self, ids: &ExternalIds) -> Result<Option<Details>> {
        self.runtime.block_on(self.catalog.lookup(ids))
    }

    pub fn find_tvdb_episode(&self, id: &str) -> Result<Option<(CatalogRef, u32, u32)>> {
        self.runtime.block_on(self.catalog.find_tvdb_episode(id))
    }

    pub fn match_title(&self, provider: Provider, query: &MatchQuery) -> Result<MatchOutcome> {
        self.runtime
            .block_on(self.catalog.match_title(provider, query))
    }

    /// [`super::match_all`], run to its end.
    pub fn match_all(
        &self,
        library: &Path,
        which: &super::MatchSelection,
        progress: Option<&(dyn Fn(super::MatchProgress) + Sync)>,
        cancel: &CancelToken,
    ) -> Result<super::MatchRun> {
        self.runtime.block_on(super::match_all(
            library,
            &self.catalog,
            which,
            progress,
            cancel,
        ))
    }

    /// [`super::pick`].
    pub fn pick(
        &self,
        library: &Path,
        entry_id: i64,
        show: &CatalogRef,
    ) -> Result<crate::model::Entry> {
        self.runtime
            .block_on(super::pick(library, &self.catalog, entry_id, show))
    }

    /// [`super::refresh_all`], run to its end.
    pub fn refresh_all(
        &self,
        library: &Path,
        which: &RefreshSelection,
        progress: Option<&(dyn Fn(RefreshProgress) + Sync)>,
        cancel: &CancelToken,
    ) -> Result<RefreshRun> {
        self.runtime.block_on(super::refresh_all(
            library,
            &self.catalog,
            which,
            progress,
            cancel,
        ))
    }
}
