//! The statement cutter the runner and import share (`strata_script`): any text cuts without a
//! panic, and each statement it cuts is cut again as exactly itself (nothing in it can end it
//! early or join it to another), starting on a line the script has.
#![no_main]

use strata_script::{Piece, pieces, statements};

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = statements(text);
    let Ok(cut) = pieces(text) else { return };
    let lines = text.lines().count().max(1);
    let mut last = 0;
    for piece in cut {
        let (Piece::Statement { line, text: sql } | Piece::Meta { line, text: sql }) = piece;
        assert!(line >= last && line <= lines, "line {line} after {last} of {lines}");
        last = line;
        let Piece::Statement { .. } = piece else { continue };
        assert!(!sql.is_empty());
        match pieces(sql).as_deref() {
            Ok([Piece::Statement { line: 1, text: again }]) => assert_eq!(*again, sql),
            other => panic!("{sql:?} cut again as {other:?}"),
        }
    }
});
