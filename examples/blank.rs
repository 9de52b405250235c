//! An empty Tauri app, the baseline for the app's memory in
//! `benches/open.rs`: the same Tauri, WebKitGTK and window as Watchlog's,
//! showing a page of one line, with no commands, no library and no state.

/// Served by the app itself: about:blank would start no web process, and
/// the baseline is to hold one.
const PAGE: &[u8] =
    b"<!doctype html><html><head><title>Blank</title></head><body><p>Blank</p></body></html>";

fn main() {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows[0].url =
        tauri::WebviewUrl::External("blank://localhost/".parse().expect("a URL"));
    tauri::Builder::default()
        .register_uri_scheme_protocol("blank", |_, _| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.to_vec())
                .expect("a response")
        })
        .run(context)
        .expect("the empty app runs");
}
