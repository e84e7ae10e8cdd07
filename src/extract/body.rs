//! A chosen body: one or more subtrees of the page (in document order) and the nodes taken out
//! of them. Removal marks only the node; what is inside a removed node counts as removed.
//!
//! This module must not decide what to remove: `generic`, `select` and `clean` do.

use super::dom::{Dom, Line};
use super::emit;

#[derive(Debug, Clone)]
pub struct Body {
    pub roots: Vec<u32>,
    marks: Vec<bool>,
}

impl Body {
    pub fn new(dom: &Dom<'_>, roots: Vec<u32>) -> Body {
        Body {
            roots,
            marks: vec![false; dom.slots.len()],
        }
    }

    /// Adds the subtree at `i`, which ends before the body starts, as the body's first part.
    pub fn prepend(&mut self, dom: &Dom<'_>, i: u32) {
        if dom.slot(i).end <= self.start() {
            self.roots.insert(0, i);
        }
    }

    pub fn remove(&mut self, i: u32) {
        self.marks[i as usize] = true;
    }

    /// For every node of the page: whether it is removed from the body, itself or through an
    /// ancestor (nodes outside the roots stay `false`).
    pub fn removed(&self, dom: &Dom<'_>) -> Vec<bool> {
        let mut removed = vec![false; dom.slots.len()];
        for &root in &self.roots {
            for i in root..dom.slot(root).end {
                let slot = dom.slot(i);
                // Pre-order: a parent inside the root was settled before its children.
                let inherited = i != root && removed[slot.parent as usize];
                removed[i as usize] = inherited || self.marks[i as usize] || slot.hidden;
            }
        }
        removed
    }

    /// The indices of the page's lines that are in the body and not removed.
    pub fn lines(&self, dom: &Dom<'_>) -> Vec<usize> {
        let removed = self.removed(dom);
        let mut kept = Vec::new();
        for &root in &self.roots {
            let end = dom.slot(root).end;
            let from = dom.line_at(root);
            for (index, line) in dom.lines[from..].iter().enumerate() {
                if line.first >= end {
                    break;
                }
                if !removed[line.first as usize] {
                    kept.push(from + index);
                }
            }
        }
        kept
    }

    /// The lines of the body, as text.
    pub fn line_texts<'d>(&self, dom: &'d Dom<'_>) -> Vec<&'d Line> {
        self.lines(dom).into_iter().map(|i| &dom.lines[i]).collect()
    }

    /// The body's text weight (see `Counts::weight`), removed parts left out.
    pub fn weight(&self, dom: &Dom<'_>) -> u32 {
        self.line_texts(dom).iter().map(|l| l.weight()).sum()
    }

    pub fn html(&self, dom: &Dom<'_>) -> String {
        emit::to_html(dom, &self.roots, &self.marks)
    }

    /// The first node of the body.
    pub fn start(&self) -> u32 {
        self.roots.first().copied().unwrap_or(0)
    }

    /// One past the last node of the body.
    pub fn end(&self, dom: &Dom<'_>) -> u32 {
        self.roots.last().map_or(0, |&r| dom.slot(r).end)
    }
}
