//! The JSON API: search with facets and timelines, one article, its related coverage, and the
//! index's statistics. Every error is `{"error": "..."}`; what a user sends is a 4xx, never a 500.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clap::ValueEnum;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Served, article, related};
use crate::error::Error;
use crate::query::{self, SearchRequest, Sort};
use crate::timeline::{TimelineField, timeline};

/// A request line longer than this is refused (414): the longest query the CLI takes, 16 KB,
/// fits even with every byte percent-encoded as three.
const MAX_URI_BYTES: usize = 3 * 16 * 1024 + 1024;
/// The API reads no bodies; one announcing more than this is refused (413).
const MAX_BODY_BYTES: u64 = 16 * 1024;
const DEFAULT_LIMIT: usize = 10;
const DEFAULT_RELATED: usize = 5;
/// Related articles are few by nature: a long list is mostly noise.
const MAX_RELATED: usize = 50;

/// The page's scripts, styles and data come from this server alone, so a name or a title that
/// slipped past escaping still could not load or run anything.
const SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn no_article() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "no such article in the index")
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> ApiError {
        let status = match err {
            Error::Query(_)
            | Error::Date(_)
            | Error::TooManyPeriods(_)
            | Error::FlagTooLarge { .. } => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, err.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type Reply = Result<Json<Value>, ApiError>;

/// Runs index work on tokio's blocking pool, so that a slow query never holds up the threads
/// that accept connections. At most one query per core runs at a time and the rest wait their
/// turn: more at once only share the same cores, each holding its memory for longer
/// (BENCHMARKS.md has the figures).
async fn blocking(
    served: &Served,
    work: impl FnOnce() -> Result<Value, ApiError> + Send + 'static,
) -> Reply {
    let _turn =
        served.turns.acquire().await.map_err(|_| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
        })?;
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map(Json),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed inside the server",
        )),
    }
}

/// Refuses oversize requests before any handler runs, and sets the headers every response
/// carries.
pub(crate) async fn limits(request: Request<Body>, next: Next) -> Response {
    let uri_len = request.uri().to_string().len();
    let body_len = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let mut response = if uri_len > MAX_URI_BYTES {
        ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("the request is {uri_len} bytes long; the limit is {MAX_URI_BYTES}"),
        )
        .into_response()
    } else if body_len.is_some_and(|n| n > MAX_BODY_BYTES) {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is too large; the limit is {MAX_BODY_BYTES} bytes"),
        )
        .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not found")
}

#[derive(Debug, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    limit: Option<usize>,
    offset: Option<usize>,
    sort: Option<String>,
    facets: Option<String>,
    explain: Option<String>,
}

pub(crate) async fn search(
    State(served): State<Arc<Served>>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Reply {
    let Query(params) = params.map_err(|e| ApiError::bad(e.body_text()))?;
    let work = served.clone();
    blocking(&served, move || run_search(&work, params)).await
}

fn run_search(served: &Served, params: SearchParams) -> Result<Value, ApiError> {
    let started = Instant::now();
    let request = search_request(served, params)?;
    let index = served.view()?;
    // Paths are shown as the corpus knows them, not as this server's working folder would.
    let mut results = query::search(&index, &request, Some(&index.corpus))?;
    let parsed = query::parse(&index, &request.query)?;
    let searcher = index.searcher()?;
    let published = timeline(&searcher, &*parsed, TimelineField::Published, None)?;
    let dates = timeline(&searcher, &*parsed, TimelineField::Dates, None)?;
    results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    let keys: Vec<String> = results.hits.iter().map(|h| h.key.clone()).collect();
    let mut value = serde_json::to_value(&results).map_err(Error::Json)?;
    if let Some(hits) = value.get_mut("hits").and_then(Value::as_array_mut) {
        for (hit, key) in hits.iter_mut().zip(keys) {
            hit["key"] = Value::String(key);
        }
    }
    value["timeline"] = json!({ "published": published, "dates": dates });
    Ok(value)
}

fn search_request(served: &Served, params: SearchParams) -> Result<SearchRequest, ApiError> {
    let at_most = |name: &str, value: Option<usize>, default: usize, max: usize| {
        let value = value.unwrap_or(default);
        match value <= max {
            true => Ok(value),
            false => Err(ApiError::bad(format!(
                "{name} {value} is too large: at most {max} is allowed"
            ))),
        }
    };
    let sort = match params.sort.as_deref() {
        None | Some("") => Sort::Relevance,
        Some(sort) => {
            Sort::from_str(sort, false).map_err(|_| ApiError::bad("sort is relevance or date"))?
        }
    };
    Ok(SearchRequest {
        query: params.q,
        limit: at_most("limit", params.limit, DEFAULT_LIMIT, served.limits.limit)?,
        offset: at_most("offset", params.offset, 0, served.limits.offset)?,
        sort,
        facets: switched_on(params.facets.as_deref()),
        explain: switched_on(params.explain.as_deref()),
    })
}

/// A flag parameter: present and not `0`, `false` or empty.
fn switched_on(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v, "" | "0" | "false"))
}

pub(crate) async fn stats(State(served): State<Arc<Served>>) -> Reply {
    let work = served.clone();
    blocking(&served, move || {
        let served = work;
        let index = served.view()?;
        // Counting over every article takes a while and changes only with a commit: one count
        // per commit serves every page opened on it.
        let generation = index.searcher()?.generation().generation_id();
        let mut kept = served.stats.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, stats)) = &*kept
            && *at == generation
        {
            return Ok(stats.clone());
        }
        let stats =
            serde_json::to_value(query::stats(&index, query::FACET_SIZE)?).map_err(Error::Json)?;
        *kept = Some((generation, stats.clone()));
        Ok(stats)
    })
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct RelatedParams {
    limit: Option<usize>,
}

/// `/api/articles/{key}` and `/api/articles/{key}/related`. A key may hold slashes, written as
/// they are or encoded; article keys end in `.txt` or `.md`, so no key ends in `/related`.
pub(crate) async fn article(
    State(served): State<Arc<Served>>,
    key: Result<Path<String>, PathRejection>,
    params: Result<Query<RelatedParams>, QueryRejection>,
) -> Reply {
    // A key that does not decode (bad percent-encoding, not UTF-8) names no article.
    let Path(key) = key.map_err(|_| ApiError::no_article())?;
    let Query(params) = params.map_err(|e| ApiError::bad(e.body_text()))?;
    match key.strip_suffix("/related") {
        Some(key) => {
            let key = key.to_string();
            let limit = params.limit.unwrap_or(DEFAULT_RELATED);
            if limit > MAX_RELATED {
                return Err(ApiError::bad(format!(
                    "limit {limit} is too large: at most {MAX_RELATED} is allowed"
                )));
            }
            let work = served.clone();
            blocking(&served, move || {
                let found = related::related(&work.view()?, &key, limit)?;
                let found = found.ok_or_else(ApiError::no_article)?;
                Ok(json!({ "key": key, "related": found }))
            })
            .await
        }
        None => {
            let work = served.clone();
            blocking(&served, move || {
                let found = article::article(&work.view()?, &key)?;
                let found = found.ok_or_else(ApiError::no_article)?;
                Ok(serde_json::to_value(found).map_err(Error::Json)?)
            })
            .await
        }
    }
}
