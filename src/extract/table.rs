//! Data tables: a table of figures or facts set in the story (a results table, a schedule, a
//! fact box) is the story's, however many links, pictures or few sentences it holds; a table
//! used to lay out the page is not. Told as Readability tells them: a table the page marks as
//! one of data (a caption, header cells, column groups, a summary), else one with no table
//! nested in it that is big enough (ten rows, or more than four columns, or more than ten
//! cells), and with no cell that holds a page's column of text (a story laid out in a table).
//! A table that is mostly links is a link list whatever its shape.
//!
//! This module must not remove anything: it only says which nodes sit in a data table.

use super::dom::Dom;

/// Rows that make a table of data by themselves.
const DATA_ROWS: usize = 10;
/// Columns past which a table is one of data.
const DATA_COLUMNS: usize = 4;
/// Cells past which a table is one of data.
const DATA_CELLS: usize = 10;
/// A table whose text is more than this share of link text is a grid of links.
const MAX_DATA_LINK_DENSITY: f32 = 0.5;
/// A cell heavier than this (see `Counts::weight`) holds a column of the page, not a datum:
/// its table lays the page out.
const MAX_DATA_CELL_WEIGHT: u32 = 300;

/// For every node of the page, whether it is a data table or inside one, within `roots`.
pub fn in_data_tables(dom: &Dom<'_>, roots: &[u32]) -> Vec<bool> {
    let mut inside = vec![false; dom.slots.len()];
    for &root in roots {
        let end = dom.slot(root).end;
        let mut i = root;
        while i < end {
            let slot = dom.slot(i);
            if slot.name == "table" && !slot.hidden && is_data_table(dom, i) {
                inside[i as usize..slot.end as usize].fill(true);
                i = slot.end;
            } else {
                i += 1;
            }
        }
    }
    inside
}

/// Whether the table at `table` holds data rather than lays out the page.
pub fn is_data_table(dom: &Dom<'_>, table: u32) -> bool {
    let slot = dom.slot(table);
    // A grid of links (other stories, a menu) is a link list set out in cells.
    if slot.attr("role") == Some("presentation")
        || slot.attr("datatable") == Some("0")
        || slot.counts.link_density() > MAX_DATA_LINK_DENSITY
    {
        return false;
    }
    if slot.attr("summary").is_some_and(|s| !s.trim().is_empty()) {
        return true;
    }
    let (mut nested, mut long_cell) = (false, false);
    let (mut rows, mut columns, mut row_columns) = (0, 0, 0);
    for i in table + 1..slot.end {
        let inner = dom.slot(i);
        match inner.name {
            "caption" if inner.counts.chars > 0 => return true,
            "col" | "colgroup" | "tfoot" | "thead" | "th" => return true,
            "table" => nested = true,
            "tr" if !nested => {
                rows += 1;
                columns = columns.max(row_columns);
                row_columns = 0;
            }
            "td" if !nested && inner.counts.weight() > MAX_DATA_CELL_WEIGHT => long_cell = true,
            // Cells, not the columns they span: reading attributes of every cell of every
            // table would cost more than the few tables it decides.
            "td" if !nested => row_columns += 1,
            _ => {}
        }
    }
    columns = columns.max(row_columns);
    !nested
        && !long_cell
        && (rows >= DATA_ROWS || columns > DATA_COLUMNS || rows * columns > DATA_CELLS)
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

    fn tables(html: &str) -> Vec<bool> {
        let html = Html::parse_document(html);
        let dom = Dom::build(&html);
        (0..dom.slots.len() as u32)
            .filter(|&i| dom.slot(i).name == "table")
            .map(|i| is_data_table(&dom, i))
            .collect()
    }

    fn grid(rows: usize, columns: usize) -> String {
        let row = format!("<tr>{}</tr>", "<td>x</td>".repeat(columns));
        format!("<table>{}</table>", row.repeat(rows))
    }

    #[test]
    fn marked_or_big_tables_hold_data() {
        assert_eq!(tables(&grid(10, 1)), vec![true]);
        assert_eq!(tables(&grid(2, 5)), vec![true]);
        assert_eq!(tables(&grid(4, 3)), vec![true]);
        assert_eq!(
            tables("<table><tr><th>Team</th></tr><tr><td>1</td></tr></table>"),
            vec![true]
        );
        assert_eq!(
            tables("<table><caption>Results</caption><tr><td>1</td></tr></table>"),
            vec![true]
        );
    }

    #[test]
    fn small_nested_or_presentational_tables_lay_out_the_page() {
        assert_eq!(tables(&grid(2, 2)), vec![false]);
        let links = format!(
            "<tr>{}</tr>",
            "<td><a href=/s>Another story</a></td>".repeat(3)
        );
        assert_eq!(
            tables(&format!("<table>{}</table>", links.repeat(4))),
            vec![false]
        );
        assert_eq!(
            tables("<table role=presentation><tr><th>a</th></tr></table>"),
            vec![false]
        );
        // A page laid out in a table of tables: the outer one is layout, the small inner
        // ones too.
        let inner = grid(1, 2);
        let outer = format!(
            "<table><tr><td>{inner}</td><td>{inner}</td><td>a</td><td>b</td><td>c</td></tr>\
             </table>"
        );
        assert_eq!(tables(&outer), vec![false, false, false]);
        let html = Html::parse_document(&format!("<body>{outer}{}</body>", grid(12, 1)));
        let dom = Dom::build(&html);
        let body = dom.first_named("body").unwrap();
        let marks = in_data_tables(&dom, &[body]);
        let cells: Vec<u32> = (0..dom.slots.len() as u32)
            .filter(|&i| dom.slot(i).name == "td")
            .collect();
        assert!(!marks[cells[0] as usize]);
        let last = *cells.last().unwrap();
        assert!(marks[last as usize]);
    }
}
