//! Text made safe for HTML and SVG: every piece of user text (a country name, a note, a
//! series name) goes through [`escape`] before it is written into markup.

/// `s` with the five characters that markup gives a meaning (`& < > " '`) written as
/// entities, so that it reads as text in an element and in a quoted attribute alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_other_text() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("Côte d’Ivoire — 한국"), "Côte d’Ivoire — 한국");
    }

    /// Checks that `doc` is well-formed XML as far as a renderer can break it: every tag
    /// closed in order, attributes quoted, `&` only in the entities this crate writes, no
    /// `<` or `>` loose in text. Returns the names of the elements opened, in order.
    pub(crate) fn well_formed(doc: &str) -> Result<Vec<String>, String> {
        let mut open: Vec<String> = Vec::new();
        let mut seen = Vec::new();
        let mut rest = doc;
        while let Some(i) = rest.find(['<', '>', '&']) {
            let (text, tail) = rest.split_at(i);
            if text.contains('>') {
                return Err(format!("a loose '>' in {text:?}"));
            }
            if let Some(t) = tail.strip_prefix('&') {
                let end = t.find(';').ok_or("an '&' without ';'")?;
                let entity = &t[..end];
                if !ENTITIES.contains(&entity) {
                    return Err(format!("an unknown entity &{entity};"));
                }
                rest = &t[end + 1..];
                continue;
            }
            if tail.starts_with('>') {
                return Err("a loose '>'".into());
            }
            if let Some(t) = tail.strip_prefix("<!--") {
                let end = t.find("-->").ok_or("an unclosed comment")?;
                rest = &t[end + 3..];
                continue;
            }
            if let Some(t) = tail.strip_prefix("<!") {
                // The doctype.
                let end = t.find('>').ok_or("an unclosed declaration")?;
                rest = &t[end + 1..];
                continue;
            }
            let end = tail.find('>').ok_or("an unclosed tag")?;
            let tag = &tail[1..end];
            rest = &tail[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match open.pop() {
                    Some(o) if o == name.trim() => {}
                    o => return Err(format!("</{name}> closes {o:?}")),
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name = body.split_whitespace().next().ok_or("an empty tag")?;
            check_attributes(&body[name.len()..])?;
            seen.push(name.to_string());
            if !self_closing && !VOID.contains(&name) {
                open.push(name.to_string());
            }
        }
        if rest.contains('>') {
            return Err("a loose '>' at the end".into());
        }
        match open.last() {
            Some(o) => Err(format!("<{o}> is never closed")),
            None => Ok(seen),
        }
    }

    /// The entities [`escape`] writes.
    const ENTITIES: [&str; 5] = ["amp", "lt", "gt", "quot", "#39"];

    /// HTML elements that have no closing tag.
    const VOID: [&str; 3] = ["meta", "br", "col"];

    fn check_attributes(mut s: &str) -> Result<(), String> {
        loop {
            s = s.trim_start();
            if s.is_empty() {
                return Ok(());
            }
            let eq = s
                .find('=')
                .ok_or(format!("an attribute without value in {s:?}"))?;
            let name = s[..eq].trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(format!("a bad attribute name {name:?}"));
            }
            let v = s[eq + 1..]
                .strip_prefix('"')
                .ok_or(format!("an unquoted value of {name}"))?;
            let end = v.find('"').ok_or(format!("an unclosed value of {name}"))?;
            let value = &v[..end];
            if value.contains('<') {
                return Err(format!("a '<' in the value of {name}"));
            }
            for piece in value.split('&').skip(1) {
                let entity = piece.split(';').next().unwrap_or_default();
                if !piece.contains(';') || !ENTITIES.contains(&entity) {
                    return Err(format!("a bare '&' in the value of {name}"));
                }
            }
            s = &v[end + 1..];
        }
    }

    #[test]
    fn the_checker_rejects_what_it_must() {
        assert!(well_formed("<a x=\"1\"><b/></a>").is_ok());
        for bad in [
            "<a><b></a></b>",
            "<a>",
            "<a x=1></a>",
            "<a>&nbsp;</a>",
            "<a>x > y</a>",
            "<a>AT&T</a>",
            "<a title=\"AT&T\"></a>",
        ] {
            assert!(well_formed(bad).is_err(), "{bad}");
        }
    }
}
