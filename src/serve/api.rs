//! The JSON API: search with facets and timelines, one article, its related coverage, and the
//! index's statistics. Every error is `{"error": "..."}`; what a user sends is a 4xx, never a 500.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clap::ValueEnum;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Served, article, cache, related};
use crate::error::Error;
use crate::index::GazetteIndex;
use crate::index::names::book;
use crate::query::{self, SearchRequest, Sort};
use crate::timeline;

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

type Reply = Result<Response, ApiError>;

/// Where the answer to a request is kept for the next one on the same commit.
enum Keep {
    /// Not kept: quick to make again.
    No,
    /// In the response cache, under this key.
    Cached(String),
    /// In the one slot kept for the statistics, whatever the cache's budget: they count every
    /// article and are asked for by every page opened.
    Stats,
}

/// The JSON that `work` makes of the index at its latest commit or, for a request already
/// answered on that commit and kept, the same bytes again without waiting a turn. The
/// `x-gazette-cache` header says which.
///
/// The work runs on tokio's blocking pool, so that a slow query never holds up the threads
/// that accept connections. At most one query per core runs at a time and the rest wait their
/// turn: more at once only share the same cores, each holding its memory for longer
/// (BENCHMARKS.md has the figures). A request that waited looks in the cache again, since
/// after a commit the same few requests queue up behind the first of them.
async fn answer(
    served: &Arc<Served>,
    keep: Keep,
    work: impl FnOnce(&GazetteIndex) -> Result<Value, ApiError> + Send + 'static,
) -> Reply {
    let at = served.stamp()?;
    if let Some(body) = kept(served, &keep, at)? {
        return Ok(json_bytes(body, "hit"));
    }
    let _turn =
        served.turns.acquire().await.map_err(|_| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
        })?;
    // A commit may have landed while the request waited: it is answered on the newest.
    let (index, at) = served.view()?;
    if let Some(body) = kept(served, &keep, at)? {
        return Ok(json_bytes(body, "hit"));
    }
    // Only the statistics are kept by commit; the stamp of any other answer is `at`.
    let commit = match keep {
        Keep::Stats => served.commit_of(&index.searcher()?)?,
        _ => 0,
    };
    let value = match tokio::task::spawn_blocking(move || work(&index)).await {
        Ok(result) => result?,
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the request failed inside the server",
            ));
        }
    };
    let body = Bytes::from(serde_json::to_vec(&value).map_err(Error::Json)?);
    match keep {
        Keep::No => {}
        Keep::Cached(key) => served.cache.put(at, key, body.clone()),
        Keep::Stats => served.keep_stats(commit, body.clone()),
    }
    Ok(json_bytes(body, "miss"))
}

/// The answer kept for `keep` at stamp `at` (the statistics: for the commit served), if any.
fn kept(served: &Served, keep: &Keep, at: cache::Stamp) -> Result<Option<Bytes>, ApiError> {
    Ok(match keep {
        Keep::No => None,
        Keep::Cached(key) => served.cache.get(at, key),
        Keep::Stats => served.kept_stats()?,
    })
}

fn json_bytes(body: Bytes, cache: &'static str) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (
            HeaderName::from_static("x-gazette-cache"),
            HeaderValue::from_static(cache),
        ),
    ];
    (headers, body).into_response()
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
    hits: Option<String>,
}

pub(crate) async fn search(
    State(served): State<Arc<Served>>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Reply {
    let Query(params) = params.map_err(|e| ApiError::bad(e.body_text()))?;
    let request = search_request(&served, params)?;
    // Every field of the request, defaults filled in, so that the same search however written
    // is one entry.
    let key = format!(
        "search {} {} {:?} {} {} {}\n{}",
        request.limit,
        request.offset,
        request.sort,
        request.facets,
        request.explain,
        request.hits,
        request.query
    );
    answer(&served, Keep::Cached(key), move |index| {
        run_search(index, &request)
    })
    .await
}

fn run_search(index: &GazetteIndex, request: &SearchRequest) -> Result<Value, ApiError> {
    let started = Instant::now();
    if request.facets {
        book::prepare_facets(&index.names()?, &index.searcher()?)?;
    }
    // Paths are shown as the corpus knows them, not as this server's working folder would.
    // Both timelines are counted in the pass over the matches that ranks them, and only with
    // the hits: the sidebar asks for its counts apart.
    let (mut results, timelines) = match request.hits {
        true => {
            let (results, counted, query) =
                query::search_with(index, request, Some(&index.corpus), timeline::both())?;
            let (published, dates) = timeline::timelines(&index.searcher()?, &*query, counted)?;
            (
                results,
                Some(json!({ "published": published, "dates": dates })),
            )
        }
        false => (query::search(index, request, Some(&index.corpus))?, None),
    };
    results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    let keys: Vec<String> = results.hits.iter().map(|h| h.key.clone()).collect();
    let mut value = serde_json::to_value(&results).map_err(Error::Json)?;
    if let Some(hits) = value.get_mut("hits").and_then(Value::as_array_mut) {
        for (hit, key) in hits.iter_mut().zip(keys) {
            hit["key"] = Value::String(key);
        }
    }
    if let Some(timelines) = timelines {
        value["timeline"] = timelines;
    }
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
        hits: params.hits.as_deref().is_none_or(|v| switched_on(Some(v))),
    })
}

/// A flag parameter: present and not `0`, `false` or empty.
fn switched_on(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v, "" | "0" | "false"))
}

pub(crate) async fn stats(State(served): State<Arc<Served>>) -> Reply {
    answer(&served, Keep::Stats, |index| Ok(stats_value(index)?)).await
}

fn stats_value(index: &GazetteIndex) -> Result<Value, Error> {
    serde_json::to_value(query::stats(index, query::FACET_SIZE)?).map_err(Error::Json)
}

/// The statistics as `/api/stats` sends them, for a server to keep before they are asked for.
pub(super) fn stats_body(index: &GazetteIndex) -> Result<Bytes, Error> {
    Ok(Bytes::from(
        serde_json::to_vec(&stats_value(index)?).map_err(Error::Json)?,
    ))
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
            answer(
                &served,
                Keep::Cached(format!("related {limit}\n{key}")),
                move |index| {
                    let found = related::related(index, &key, limit)?;
                    let found = found.ok_or_else(ApiError::no_article)?;
                    Ok(json!({ "key": key, "related": found }))
                },
            )
            .await
        }
        // An article is quick to read and large: it is not worth a place in the cache.
        None => {
            answer(&served, Keep::No, move |index| {
                let found = article::article(index, &key)?;
                let found = found.ok_or_else(ApiError::no_article)?;
                Ok(serde_json::to_value(found).map_err(Error::Json)?)
            })
            .await
        }
    }
}
