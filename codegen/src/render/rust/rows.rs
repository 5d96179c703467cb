//! A table's structs: its row (and how it deserializes), the insert and patch companions, their
//! constructors and redacting `Debug`.

use super::*;

pub(super) fn render_table(out: &mut String, schema: &Schema, t: &Table) {
    let row = crate::model::rust::row_name(schema, t);
    render_row(out, schema, t, &row);
    render_debug(out, &row, &t.columns);
    render_companions(out, schema, t, &row);
}

/// What `#[derive(strata::Table)]` adds to the row struct `row` of table `t`: its redacting
/// `Debug`, the insert and patch structs with `validate()`, and the queries.
pub fn derived(schema: &Schema, t: &Table, row: &str) -> String {
    let mut out = String::from(USES);
    render_debug(&mut out, row, &t.columns);
    render_companions(&mut out, schema, t, row);
    out
}

/// The row struct.
pub(super) fn render_row(out: &mut String, schema: &Schema, t: &Table, row: &str) {
    writeln!(
        out,
        "\n/// A row of `{}`{}",
        t.name,
        t.doc.as_ref().map(|d| format!(": {}", doc_line(d))).unwrap_or(".".into())
    )
    .unwrap();
    writeln!(out, "#[derive(Clone, PartialEq, serde::Serialize)]\n#[serde(crate = \"strata::reexports::serde\")]\npub struct {row} {{").unwrap();
    for c in &t.columns {
        if let Some(doc) = &c.doc {
            writeln!(out, "    /// {}", doc_line(doc)).unwrap();
        }
        if c.sensitive {
            writeln!(out, "    #[serde(skip_serializing)]").unwrap();
        }
        writeln!(out, "    #[serde(rename = {:?})]\n    pub {}: {},", c.name, field(&c.name), column_type(c, schema))
            .unwrap();
    }
    writeln!(out, "}}\n").unwrap();
    render_deserialize(out, schema, t, row);
}

/// `Deserialize` through `strata::de` (the visitor is written once there): the fields read so
/// far, reading one by index, and the row from them.
pub(super) fn render_deserialize(out: &mut String, schema: &Schema, t: &Table, row: &str) {
    let fields = format!("{row}Fields");
    writeln!(
        out,
        "impl<'de> serde::Deserialize<'de> for {row} {{\n    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{\n        strata::de::deserialize(deserializer)\n    }}\n}}\n"
    )
    .unwrap();
    writeln!(
        out,
        "/// What deserializing a `{row}` has read so far.\n#[doc(hidden)]\n#[derive(Default)]\npub struct {fields} {{"
    )
    .unwrap();
    for c in &t.columns {
        writeln!(out, "    {}: Option<{}>,", field(&c.name), column_type(c, schema)).unwrap();
    }
    writeln!(out, "}}\n").unwrap();
    let names: Vec<String> = t.columns.iter().map(|c| format!("{:?}", c.name)).collect();
    writeln!(
        out,
        "impl strata::de::Row for {row} {{\n    const NAME: &'static str = {row:?};\n    const FIELDS: &'static [&'static str] = &[{}];\n    type Fields = {fields};\n",
        names.join(", ")
    )
    .unwrap();
    writeln!(
        out,
        "    fn read_field(fields: &mut {fields}, index: usize, de: &mut dyn strata::de::Erased<'_>) -> Result<(), strata::de::FieldError> {{\n        match index {{"
    )
    .unwrap();
    for (i, c) in t.columns.iter().enumerate() {
        // The runtime has readers for every column type but nested arrays.
        let read = match &c.ty {
            ColumnType::Array(inner) if matches!(**inner, ColumnType::Array(_)) => "any",
            _ => "field",
        };
        writeln!(out, "            {i} => strata::de::{read}(&mut fields.{}, {:?}, de),", field(&c.name), c.name)
            .unwrap();
    }
    writeln!(out, "            _ => Ok(()),\n        }}\n    }}\n").unwrap();
    writeln!(out, "    fn from_fields(fields: {fields}) -> Result<Self, &'static str> {{\n        Ok({row} {{")
        .unwrap();
    for c in &t.columns {
        let f = field(&c.name);
        // An absent nullable column is NULL, as with serde's derive; any other must be there.
        let value =
            if c.nullable { format!("fields.{f}.flatten()") } else { format!("fields.{f}.ok_or({:?})?", c.name) };
        writeln!(out, "            {f}: {value},").unwrap();
    }
    writeln!(out, "        }})\n    }}\n}}\n").unwrap();
}

/// The insert and patch structs with their rules, and the queries.
pub(super) fn render_companions(out: &mut String, schema: &Schema, t: &Table, row: &str) {
    let new = format!("New{row}");
    // The insert.
    writeln!(out, "\n/// What inserting into `{}` takes; `None` on a column with a default means the default.", t.name)
        .unwrap();
    writeln!(out, "#[derive(Clone, PartialEq)]\npub struct {new} {{").unwrap();
    let inserted: Vec<&Column> = t.columns.iter().filter(|c| c.writable()).collect();
    for c in &inserted {
        writeln!(out, "    pub {}: {},", field(&c.name), Holding::Insert.field_type(c, schema)).unwrap();
    }
    writeln!(out, "}}\n").unwrap();
    render_constructor(out, schema, &new, &inserted);
    render_debug(out, &new, inserted.iter().copied());
    render_validate(out, &new, t, &inserted, Holding::Insert);

    // The patch: every column outside the primary key, each `None` when left as it is.
    let in_pk = |c: &Column| t.primary_key.iter().flat_map(|pk| &pk.columns).any(|k| k.name == c.name);
    let patched: Vec<&Column> = inserted.iter().copied().filter(|c| !in_pk(c)).collect();
    let patch = format!("{row}Patch");
    writeln!(
        out,
        "\n/// An update of `{}`: `Some` fields are set (`Some(None)` sets NULL), `None` fields are kept.",
        t.name
    )
    .unwrap();
    writeln!(out, "#[derive(Clone, Default, PartialEq)]\npub struct {patch} {{").unwrap();
    for c in &patched {
        writeln!(out, "    pub {}: {},", field(&c.name), Holding::Patch.field_type(c, schema)).unwrap();
    }
    writeln!(out, "}}\n").unwrap();
    render_debug(out, &patch, patched.iter().copied());
    render_validate(out, &patch, t, &patched, Holding::Patch);
    render_queries(out, schema, t, row, &new, &inserted, &patch, &patched);
}

/// `New…::new(required fields)` and a `with_…` setter per optional field, so code that builds
/// inserts this way keeps compiling when a nullable or defaulted column is added.
pub(super) fn render_constructor(out: &mut String, schema: &Schema, new: &str, inserted: &[&Column]) {
    let required = |c: &Column| !c.nullable && !c.has_default();
    let param = |c: &Column| match value_type(c, schema).as_str() {
        "String" => ("impl Into<String>".to_string(), ".into()"),
        ty if matches!(c.ty, ColumnType::Scalar(Scalar::Domain(_))) => (format!("impl Into<{ty}>"), ".into()"),
        ty => (ty.to_string(), ""),
    };
    let args: Vec<String> =
        inserted.iter().filter(|c| required(c)).map(|c| format!("{}: {}", field(&c.name), param(c).0)).collect();
    let values: Vec<String> = inserted
        .iter()
        .map(|c| match (required(c), param(c).1) {
            (true, "") => field(&c.name).into_owned(),
            (true, into) => format!("{0}: {0}{into}", field(&c.name)),
            (false, _) => format!("{}: None", field(&c.name)),
        })
        .collect();
    writeln!(
        out,
        "impl {new} {{\n    /// The required fields; the others are left to their default (or NULL): set them with `with_…`.\n    \
         #[allow(clippy::too_many_arguments, clippy::new_without_default)]\n    \
         pub fn new({}) -> Self {{\n        {new} {{ {} }}\n    }}",
        args.join(", "),
        values.join(", ")
    )
    .unwrap();
    for c in inserted.iter().filter(|c| !required(c)) {
        let (ty, into) = param(c);
        writeln!(
            out,
            "\n    pub fn with_{}(mut self, value: {ty}) -> Self {{\n        self.{} = Some(value{into});\n        self\n    }}",
            field(&c.name).trim_start_matches("r#"),
            field(&c.name)
        )
        .unwrap();
    }
    writeln!(out, "}}\n").unwrap();
}

pub(super) fn render_debug<'c>(out: &mut String, name: &str, columns: impl IntoIterator<Item = &'c Column>) {
    writeln!(
        out,
        "impl std::fmt::Debug for {name} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{"
    )
    .unwrap();
    write!(out, "        f.debug_struct({name:?})").unwrap();
    for c in columns {
        if c.sensitive {
            write!(out, "\n            .field({:?}, &strata::Redacted)", c.name).unwrap();
        } else {
            write!(out, "\n            .field({:?}, &self.{})", c.name, field(&c.name)).unwrap();
        }
    }
    writeln!(out, "\n            .finish()\n    }}\n}}").unwrap();
}

/// How a struct holds a column's value: plain, `Option` (absent or NULL), or `Option<Option>`
/// (a patch of a nullable column: absent, set to NULL, or set).
#[derive(Clone, Copy)]
pub(super) enum Holding {
    Insert,
    Patch,
}

impl Holding {
    pub(super) fn binding(self, c: &Column, f: &str) -> Option<String> {
        let optional = c.nullable || c.has_default();
        match self {
            Holding::Insert if optional => Some(format!("if let Some(value) = &self.{f}")),
            Holding::Insert => None,
            Holding::Patch if c.nullable => Some(format!("if let Some(Some(value)) = &self.{f}")),
            Holding::Patch => Some(format!("if let Some(value) = &self.{f}")),
        }
    }

    pub(super) fn field_type(self, c: &Column, schema: &Schema) -> String {
        match self {
            Holding::Insert if c.has_default() && !c.nullable => format!("Option<{}>", value_type(c, schema)),
            Holding::Insert => column_type(c, schema),
            Holding::Patch => format!("Option<{}>", column_type(c, schema)),
        }
    }
}
