//! `--ascii`: the last step of a frame turns every cell into plain ASCII — borders, bars,
//! sparklines, dashes, ellipses, and whatever a checklist's own text holds — so a terminal or a
//! log that knows only ASCII shows the same screen.

use ratatui::buffer::Buffer;

/// Replaces every non-ASCII symbol in `buffer` with its ASCII stand-in (`?` when it has none).
pub fn asciify(buffer: &mut Buffer) {
    let width = buffer.area.width as usize;
    let mut skip = 0usize;
    for (i, cell) in buffer.content.iter_mut().enumerate() {
        if i % width == 0 {
            skip = 0;
        }
        if skip > 0 {
            // the second half of a wide character: it becomes a cell of its own
            skip -= 1;
            cell.set_symbol(" ");
            continue;
        }
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        let wide = unicode_width::UnicodeWidthStr::width(symbol);
        skip = wide.saturating_sub(1);
        let plain = stand_in(symbol);
        cell.set_symbol(plain);
    }
}

/// The ASCII stand-in for one cell's symbol.
fn stand_in(symbol: &str) -> &'static str {
    let Some(c) = symbol.chars().next() else {
        return " ";
    };
    match c {
        '─' | '━' | '═' | '—' | '–' | '‒' | '―' => "-",
        '│' | '┃' | '║' | '▏' | '▕' => "|",
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' => {
            "+"
        }
        '…' => "~",
        '█' | '▇' | '▆' => "#",
        '▅' | '▄' => "=",
        '▃' | '▂' => "-",
        '▁' => "_",
        '░' | '·' | '•' => ".",
        '▸' | '▶' | '→' | '›' => ">",
        '◂' | '◀' | '←' | '‹' => "<",
        '▾' | '▼' | '↓' => "v",
        '▴' | '▲' | '↑' => "^",
        '✔' | '✓' => "x",
        '✖' | '✗' | '✘' => "X",
        '●' => "o",
        '◌' | '○' => "o",
        '⚠' => "!",
        '⊘' => "-",
        '◷' => "~",
        '☐' => " ",
        '✎' => "/",
        '«' | '“' | '”' | '„' | '»' | '″' => "\"",
        '‘' | '’' | '′' => "'",
        '\u{a0}' => " ",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn every_cell_becomes_ascii_and_wide_characters_keep_the_width() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 10, 2));
        buffer.set_string(0, 0, "┌─…✔世界é", ratatui::style::Style::default());
        buffer.set_string(0, 1, "│ ok │", ratatui::style::Style::default());
        asciify(&mut buffer);
        let text: String = buffer.content.iter().map(|c| c.symbol()).collect();
        assert!(text.is_ascii(), "{text}");
        assert_eq!(&text[..10], "+-~x? ? ? ");
        assert_eq!(&text[10..], "| ok |    ");
    }
}
