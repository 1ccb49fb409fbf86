//! SVG sanitising: `klaster::images::sanitize_svg` on any bytes.
//!
//! Checks that whatever it accepts comes out as an SVG a browser can run nothing from:
//! well-formed XML (quick-xml reads it to the end), the root element `svg`, and none of
//! the things the sanitiser removes left anywhere in it: no `<script>`,
//! `<foreignObject>`, `<iframe>`, `<embed>` or `<object>` element, no `on…` attribute,
//! and no `javascript:` in any attribute value (namespace declarations aside: they name
//! a namespace and are never loaded).

#![no_main]

use klaster::images::sanitize_svg;
use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event;

fuzz_target!(|data: &[u8]| {
    let Ok(svg) = sanitize_svg(data) else {
        return;
    };
    let mut reader = quick_xml::Reader::from_reader(svg.bytes.as_slice());
    let mut buf = Vec::new();
    let mut first = true;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let local = e.local_name();
                let name = AsRef::<str>::as_ref(&local).to_ascii_lowercase();
                if first {
                    assert_eq!(name, "svg", "the root is not svg");
                    first = false;
                }
                for bad in ["script", "foreignobject", "iframe", "embed", "object"] {
                    assert_ne!(name, bad, "a <{bad}> element was kept");
                }
                for a in e.attributes().flatten() {
                    let local = a.key.local_name();
                    let key = AsRef::<str>::as_ref(&local).to_ascii_lowercase();
                    assert!(!key.starts_with("on"), "an `{key}` attribute was kept");
                    // A namespace declaration names a namespace; it is never loaded.
                    if a.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let value = a.value.to_ascii_lowercase();
                    let squeezed: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    assert!(!squeezed.contains("javascript:"), "`javascript:` kept in {key}");
                }
            }
            Ok(_) => {}
            Err(e) => panic!("the output is not well-formed XML: {e}"),
        }
        buf.clear();
    }
    assert!(!first, "the output has no element");
});
