//! Static charts as SVG text, drawn with plotters' SVG backend, for pages
//! that carry no script (the exported year in review) and for the PNG
//! cards. The SVG is checked before it is handed out: it must draw only
//! shapes and text, never load or run anything.

use plotters::prelude::*;

use crate::error::{Error, Result};

/// Bars of one value per label, `height` px tall and `width` wide, in
/// `colour` (RGB). Labels are drawn under their bars; the value axis runs
/// from zero to a little above the largest value.
pub fn bar_chart(
    labels: &[String],
    values: &[f64],
    (width, height): (u32, u32),
    colour: (u8, u8, u8),
) -> Result<String> {
    let top = values.iter().copied().fold(0.0f64, f64::max);
    // An empty year still gets its axis, from 0 to 1.
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let fill = RGBColor(colour.0, colour.1, colour.2);
    let axis = RGBColor(0x6b, 0x66, 0x5e);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(26)
            .y_label_area_size(40)
            // An integer range ends inclusive: 0..n-1 is n segments.
            .build_cartesian_2d(
                (0..labels.len().saturating_sub(1)).into_segmented(),
                0f64..top,
            )
            .map_err(drawing)?;
        let label_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        // Counts get whole ticks only: "0.5 titles" is no amount.
        let counts = values.iter().all(|v| v.fract() == 0.0);
        let ticks = if counts {
            (top.floor() as usize + 1).clamp(2, 6)
        } else {
            5
        };
        let whole = |v: &f64| {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else if counts {
                String::new()
            } else {
                format!("{v:.1}")
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(axis.mix(0.15))
            .light_line_style(TRANSPARENT)
            .axis_style(axis.mix(0.6))
            .x_labels(labels.len())
            .x_label_formatter(&label_of)
            .y_labels(ticks)
            .y_label_formatter(&whole)
            .label_style(("sans-serif", 13, &axis))
            .draw()
            .map_err(drawing)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), v),
                    ],
                    fill.filled(),
                );
                bar.set_margin(0, 0, 3, 3);
                bar
            }))
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    inert(&svg)?;
    Ok(svg)
}

/// The chart's SVG for inlining in an HTML page: HTML's parser puts an
/// inline `<svg>` in the SVG namespace itself, so the namespace address
/// (which is no load, but reads like one) is left out.
pub fn inline(svg: &str) -> String {
    svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

/// Refuses SVG that could run or load anything: script, event handlers,
/// links, `url(…)` references, foreign content.
fn inert(svg: &str) -> Result<()> {
    let lower = svg.to_ascii_lowercase();
    let banned = [
        "<script",
        "href",
        "url(",
        "<foreignobject",
        "<image",
        "javascript:",
    ];
    if let Some(b) = banned.iter().find(|b| lower.contains(**b)) {
        return Err(drawing(format!("the chart held {b:?}")));
    }
    if has_event_attribute(&lower) {
        return Err(drawing("the chart held an event attribute"));
    }
    Ok(())
}

/// An attribute named `on…=`: the one way text of ours aside ("on time")
/// could start a handler.
fn has_event_attribute(lower: &str) -> bool {
    lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name > 0 && rest.as_bytes().get(name) == Some(&b'=')
    })
}

fn drawing(e: impl std::fmt::Display) -> Error {
    Error::io(
        "could not draw the chart",
        std::io::Error::other(e.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_svg_with_a_bar_per_value_and_nothing_active() {
        let labels: Vec<String> = ["Jan", "Feb", "Mar"].map(String::from).to_vec();
        let svg = bar_chart(&labels, &[3.0, 0.0, 7.5], (480, 200), (180, 70, 43)).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.contains("\nFeb\n"), "labels are drawn: {svg}");
        assert_eq!(
            svg.matches("fill=\"#B4462B\"").count(),
            3,
            "one bar per value: {svg}"
        );
        let inlined = inline(&svg);
        assert!(!inlined.contains("http"), "{inlined}");
        assert!(inert("<svg><script>1</script></svg>").is_err());
        assert!(inert("<svg><rect onload=\"x\"/></svg>").is_err());
        assert!(inert("<svg><text>on time</text></svg>").is_ok());
    }
}
