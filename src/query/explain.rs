//! Why a hit ranks where it does: its score split into what each field and each entity of the
//! query contributed, read from tantivy's explanation tree.

use std::fmt;

use serde::Serialize;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, Schema};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

use crate::error::Result;

/// Marks the explanation of a [`Labelled`] clause, so that the summary stops there.
const LABEL: &str = "gazette label";

/// One part of a hit's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Contribution {
    /// A field (`title`, `body`...), an entity clause (`countries:GB`), or `feedback`.
    pub source: String,
    /// True for the clause of an entity the query's words name.
    pub entity: bool,
    pub score: f32,
}

/// Marks the explanation of a clause labelled for an entity.
const ENTITY: &str = "gazette entity";

/// How tantivy describes a boolean query's score in an explanation: the sum of its clauses'.
const BOOLEAN_SUM: &str = "BooleanClause. sum of";

/// The sources of the parts feedback adds to the scores of the articles it reorders.
const FEEDBACK: &str = "feedback";
const BODY_LENGTH: &str = "body length";

/// What a [`Labelled`] clause stands for.
#[derive(Debug, Clone)]
pub(crate) enum Label {
    /// An entity the query's words name, e.g. `countries:GB`.
    Entity(String),
    /// The words pseudo-relevance feedback added to the query.
    Feedback,
    /// The query's body words scored again with lighter length normalisation.
    BodyLength,
}

/// A query whose part of a score is reported under its own label in an explanation.
pub(crate) struct Labelled {
    pub(crate) label: Label,
    pub(crate) query: Box<dyn Query>,
}

impl Clone for Labelled {
    fn clone(&self) -> Self {
        Labelled {
            label: self.label.clone(),
            query: self.query.box_clone(),
        }
    }
}

impl fmt::Debug for Labelled {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Labelled({:?}, {:?})", self.label, self.query)
    }
}

impl Query for Labelled {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(LabelledWeight {
            label: self.label.clone(),
            weight: self.query.weight(scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        // Snippets highlight the terms a query reports: the user's words and the names they
        // name, not the words feedback added, which the user never typed.
        if let Label::Entity(_) = self.label {
            self.query.query_terms(visitor)
        }
    }
}

struct LabelledWeight {
    label: Label,
    weight: Box<dyn Weight>,
}

impl Weight for LabelledWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.weight.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.weight.explain(reader, doc)?;
        let (description, entity) = match &self.label {
            Label::Entity(name) => (name.clone(), true),
            Label::Feedback => (FEEDBACK.to_string(), false),
            Label::BodyLength => (BODY_LENGTH.to_string(), false),
        };
        let mut labelled = Explanation::new_with_string(description, inner.value());
        labelled.add_context(LABEL.to_string());
        if entity {
            labelled.add_context(ENTITY.to_string());
        }
        labelled.add_detail(inner);
        Ok(labelled)
    }
}

/// The contributions to the score `query` gives the article at `address`, one per field or
/// entity, in the order they first appear in the query; they add up to the score.
pub(crate) fn explain(
    searcher: &Searcher,
    query: &dyn Query,
    address: DocAddress,
) -> Result<Vec<Contribution>> {
    let tree = serde_json::to_value(query.explain(searcher, address)?)?;
    let mut parts = Vec::new();
    split(&tree, 1.0, searcher.schema(), &mut parts);
    let mut merged: Vec<Contribution> = Vec::new();
    for part in parts {
        match merged
            .iter_mut()
            .find(|m| m.source == part.source && m.entity == part.entity)
        {
            Some(same) => same.score += part.score,
            None => merged.push(part),
        }
    }
    Ok(merged)
}

/// The contributions of an article that feedback did not reorder (it lies past the articles
/// feedback reorders), explained by a query that includes feedback's clauses: those clauses
/// never added to its score.
pub(crate) fn without_feedback(parts: Vec<Contribution>) -> Vec<Contribution> {
    (parts.into_iter())
        .filter(|part| part.entity || ![FEEDBACK, BODY_LENGTH].contains(&part.source.as_str()))
        .collect()
}

/// Walks an explanation node whose value counts `scale` times in the score. Labelled clauses
/// and single terms are leaves; any other node's value is shared out among its details in
/// proportion (a sum's factor is 1, a boost's is the boost).
fn split(node: &serde_json::Value, scale: f32, schema: &Schema, out: &mut Vec<Contribution>) {
    let value = node["value"].as_f64().unwrap_or(0.0) as f32;
    let description = node["description"].as_str().unwrap_or("");
    let context: Vec<&str> = node["context"]
        .as_array()
        .map(|c| c.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let leaf = |source: String, entity: bool| Contribution {
        source,
        entity,
        score: value * scale,
    };
    if context.contains(&LABEL) {
        return out.push(leaf(description.to_string(), context.contains(&ENTITY)));
    }
    if let Some(field) = context.iter().find_map(|c| term_field(c, schema)) {
        return out.push(leaf(field, false));
    }
    let details = node["details"].as_array().map_or(&[][..], Vec::as_slice);
    let sum: f32 = details
        .iter()
        .map(|d| d["value"].as_f64().unwrap_or(0.0) as f32)
        .sum();
    // A boolean query's value is the sum of its clauses' whatever their signs (the body-length
    // part is negative in short articles); other nodes are shared out in proportion.
    if description.starts_with(BOOLEAN_SUM) && !details.is_empty() {
        for detail in details {
            split(detail, scale, schema, out);
        }
        return;
    }
    if description.starts_with("Phrase") || details.is_empty() || sum <= 0.0 {
        let source = if description.starts_with("Phrase") {
            "phrase"
        } else {
            description
        };
        return out.push(leaf(source.to_string(), false));
    }
    for detail in details {
        split(detail, scale * value / sum, schema, out);
    }
}

/// The field name in a term query's context, `Term=Term(field=2, ...)`.
fn term_field(context: &str, schema: &Schema) -> Option<String> {
    let rest = context.strip_prefix("Term=Term(field=")?;
    let id: u32 = rest[..rest.find(|c: char| !c.is_ascii_digit())?]
        .parse()
        .ok()?;
    Some(schema.get_field_name(Field::from_field_id(id)).to_string())
}
