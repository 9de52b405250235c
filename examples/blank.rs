//! An empty Tauri app, the baseline for the app's memory in
//! `benches/open.rs`: the same Tauri, WebKitGTK and window as Watchlog's,
//! showing a blank page, with no commands, no library and no state.

fn main() {
    let mut context = tauri::generate_context!();
    // The configured window, with nothing in it.
    context.config_mut().app.windows[0].url =
        tauri::WebviewUrl::External("about:blank".parse().expect("a URL"));
    tauri::Builder::default()
        .run(context)
        .expect("the empty app runs");
}
