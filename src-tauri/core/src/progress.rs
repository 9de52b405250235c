//! What every long loop of the core shares: the [`CancelToken`] a face sets
//! to stop it, and the [`Throttle`] that decides which steps are worth a
//! progress report. Imports, catalogue refreshes and poster fetches all use
//! these two, so the app and the CLI only draw what they are sent: none of
//! them counts steps or keeps a cancel flag of its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Stops a long loop: steps not started are skipped, and work in flight
/// through [`CancelToken::race`] (a download) is dropped. Cheap to clone;
/// clones are the same token.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<CancelInner>);

#[derive(Debug, Default)]
struct CancelInner {
    cancelled: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        let wakers = std::mem::take(&mut *self.0.wakers.lock().unwrap_or_else(|p| p.into_inner()));
        wakers.into_iter().for_each(Waker::wake);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Whether `other` is a clone of this token (the same run).
    pub fn same(&self, other: &CancelToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Runs `fut` unless cancelled first or meanwhile; `None` when
    /// cancelled, and `fut` is then dropped where it stood.
    pub async fn race<F: Future>(&self, fut: F) -> Option<F::Output> {
        let mut fut = std::pin::pin!(fut);
        std::future::poll_fn(|cx: &mut Context<'_>| {
            if self.is_cancelled() {
                return Poll::Ready(None);
            }
            if let Poll::Ready(v) = Pin::new(&mut fut).poll(cx) {
                return Poll::Ready(Some(v));
            }
            self.0
                .wakers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(cx.waker().clone());
            // A cancel between the check above and the push must not be
            // missed.
            if self.is_cancelled() {
                Poll::Ready(None)
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

/// Which steps of a loop of `total` steps are worth reporting: the start,
/// each step that reaches a further whole percent, and the last. A loop of
/// 100 steps or fewer reports every one; a loop of 100,000 about a hundred.
///
/// It keeps no state, so workers finishing steps in any order (the poster
/// downloads) can share one: each step number is asked about once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    total: usize,
}

impl Throttle {
    pub fn new(total: usize) -> Self {
        Throttle { total }
    }

    /// Whether the state after `done` steps should be reported.
    pub fn due(&self, done: usize) -> bool {
        let percent = |n: usize| n as u128 * 100 / self.total.max(1) as u128;
        done == 0 || done >= self.total || percent(done) != percent(done - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(total: usize) -> Vec<usize> {
        let t = Throttle::new(total);
        (0..=total).filter(|&d| t.due(d)).collect()
    }

    #[test]
    fn small_loops_report_every_step() {
        assert_eq!(reported(3), vec![0, 1, 2, 3]);
        assert_eq!(reported(100).len(), 101);
    }

    #[test]
    fn large_loops_report_each_percent_and_the_last() {
        let steps = reported(100_000);
        assert_eq!(steps.len(), 101, "the start and each percent");
        assert_eq!(&steps[..3], &[0, 1_000, 2_000]);
        assert_eq!(steps.last(), Some(&100_000));

        // The last step is reported even where it is no whole percent.
        let steps = reported(12_345);
        assert_eq!(steps.len(), 101);
        assert_eq!(steps.last(), Some(&12_345));
        assert!(steps.windows(2).all(|w| w[1] - w[0] <= 124), "{steps:?}");
    }

    #[test]
    fn uneven_totals_never_skip_a_percent() {
        for total in [101, 150, 199, 250, 999, 1_001] {
            let steps = reported(total);
            assert_eq!(steps.len(), 101, "total {total}: {steps:?}");
            assert_eq!(steps.last(), Some(&total));
        }
    }

    #[test]
    fn an_empty_loop_reports_its_end() {
        assert_eq!(reported(0), vec![0]);
    }

    #[test]
    fn a_cancel_wakes_a_waiting_race_and_clones_see_it() {
        let token = CancelToken::new();
        let clone = token.clone();
        assert!(token.same(&clone) && !token.same(&CancelToken::new()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(rt.block_on(token.race(async { 7 })), Some(7));
        let waited = rt.block_on(async {
            let t = token.clone();
            let waiting = tokio::spawn(async move { t.race(std::future::pending::<()>()).await });
            // Let the race start waiting before the cancel, so the cancel
            // has to wake it.
            tokio::task::yield_now().await;
            clone.cancel();
            waiting.await.unwrap()
        });
        assert!(token.is_cancelled());
        assert_eq!(waited, None);
    }
}
