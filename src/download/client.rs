//! The SDK clients of one download: their configuration (rustls HTTP client, credentials,
//! region, endpoint, retries), the two calls we make, and a count of the requests sent.
//!
//! Errors are reduced to the service's code and message, or the chain of `Display` texts of a
//! local failure; never the `Debug` form, which carries the raw HTTP exchange.

use std::error::Error as StdError;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::profile::region::ProfileFileRegionProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_iam::config::{ConfigBag, Intercept, Region, RuntimeComponents, SharedHttpClient};
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use super::DownloadRequest;
use crate::account_file::AuthorizationDetails;
use crate::error::{Error, Result};

/// IAM is global; the seed (and the AWS CLI for IAM) use this region when none is configured.
const FALLBACK_REGION: &str = "us-east-1";

/// A page of `GetAccountAuthorizationDetails` can be large; a stalled connection still ends.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);

pub(super) struct Clients {
    iam: aws_sdk_iam::Client,
    sts: aws_sdk_sts::Client,
    counter: Arc<Counter>,
}

impl Clients {
    /// Clients for `profile` (or the default chain). Nothing is sent yet.
    pub(super) async fn new(profile: Option<&str>, request: &DownloadRequest) -> Clients {
        let http = http_client();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http.clone())
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .build(),
            );
        // Region: the environment, then the profile, then IAM's home region. Not instance
        // metadata: IAM is global, and on a machine outside EC2 that probe costs seconds.
        let mut profile_region = ProfileFileRegionProvider::builder();
        if let Some(name) = profile {
            loader = loader.profile_name(name);
            profile_region = profile_region.profile_name(name);
        }
        loader = loader.region(
            RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                .or_else(profile_region.build())
                .or_else(Region::new(FALLBACK_REGION)),
        );
        if let Some(url) = &request.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(attempts) = request.max_attempts {
            loader = loader.retry_config(RetryConfig::standard().with_max_attempts(attempts));
        }
        let loaded = loader.load().await;
        let region = loaded
            .region()
            .cloned()
            .unwrap_or_else(|| Region::new(FALLBACK_REGION));
        let mut builder = loaded.into_builder().region(region.clone());
        if let Some(name) = profile {
            // A named profile wins over credentials in the environment, as with the AWS CLI;
            // the default chain would take the environment's first.
            let provider_config = ProviderConfig::without_region()
                .with_http_client(http)
                .with_region(Some(region));
            let credentials = ProfileFileCredentialsProvider::builder()
                .configure(&provider_config)
                .profile_name(name)
                .build();
            builder = builder.credentials_provider(
                aws_sdk_iam::config::SharedCredentialsProvider::new(credentials),
            );
        }
        let shared = builder.build();

        let counter = Arc::new(Counter::default());
        let iam = aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&shared)
                .interceptor(CountRequests(counter.clone()))
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&shared)
                .interceptor(CountRequests(counter.clone()))
                .build(),
        );
        Clients { iam, sts, counter }
    }

    /// The account the credentials belong to, from `sts:GetCallerIdentity`.
    pub(super) async fn account_id(&self, context: &str) -> Result<String> {
        let output = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|error| aws_error(context, "sts:GetCallerIdentity", error))?;
        let account = output.account.unwrap_or_default();
        // The id names a folder: accept nothing but the 12 digits it must be.
        if account.len() != 12 || !account.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(Error::Aws {
                context: format!("{context}: sts:GetCallerIdentity"),
                message: format!("the answer's account id {account:?} is not 12 digits"),
            });
        }
        Ok(account)
    }

    /// Every page of `GetAccountAuthorizationDetails`, merged, with the number of pages.
    /// `on_page(pages, items)` is called after each page.
    pub(super) async fn authorization_details(
        &self,
        context: &str,
        page_size: i32,
        mut on_page: impl FnMut(usize, usize),
    ) -> Result<(AuthorizationDetails, usize)> {
        let mut details = AuthorizationDetails::default();
        let mut marker: Option<String> = None;
        let mut pages = 0;
        loop {
            let output = self
                .iam
                .get_account_authorization_details()
                .max_items(page_size)
                .set_marker(marker.clone())
                .send()
                .await
                .map_err(|error| aws_error(context, "iam:GetAccountAuthorizationDetails", error))?;
            pages += 1;
            let (truncated, next_marker) = (output.is_truncated, output.marker.clone());
            details.extend_from(output, context)?;
            on_page(pages, details.len());
            match next_marker {
                Some(next) if truncated => {
                    if marker.as_deref() == Some(next.as_str()) {
                        return Err(Error::Aws {
                            context: format!("{context}: iam:GetAccountAuthorizationDetails"),
                            message: format!(
                                "page {pages} repeats the previous marker; stopping rather than looping"
                            ),
                        });
                    }
                    marker = Some(next);
                }
                None if truncated => {
                    return Err(Error::Aws {
                        context: format!("{context}: iam:GetAccountAuthorizationDetails"),
                        message: format!("page {pages} is truncated but has no marker"),
                    });
                }
                _ => break,
            }
        }
        Ok((details, pages))
    }

    /// Requests sent so far (retries included), and how many of them were retries.
    pub(super) fn counts(&self) -> (u64, u64) {
        let attempts = self.counter.attempts.load(Ordering::Relaxed);
        let operations = self.counter.operations.load(Ordering::Relaxed);
        (attempts, attempts.saturating_sub(operations))
    }
}

/// HTTPS with rustls on ring; plain HTTP for `http://` endpoints. The trust store is the
/// platform's (rustls-native-certs).
fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

#[derive(Debug, Default)]
struct Counter {
    operations: AtomicU64,
    attempts: AtomicU64,
}

/// Counts operations and the HTTP attempts made for them.
#[derive(Debug)]
struct CountRequests(Arc<Counter>);

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), Box<dyn StdError + Send + Sync>> {
        self.0.operations.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), Box<dyn StdError + Send + Sync>> {
        self.0.attempts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// One line for a failed call: the service's error code and message, or for a local failure
/// (credentials, connection, timeout) the chain of its messages.
fn aws_error<E>(context: &str, operation: &str, error: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let message = match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let (code, message) = match service.err().code() {
                Some(code) => (
                    Some(code.to_owned()),
                    service.err().message().map(str::to_owned),
                ),
                // An error body the SDK could not read (moto wraps errors in <Errors>): take
                // the code and message from the XML itself.
                None => {
                    let body = service.raw().body().bytes().unwrap_or_default();
                    let body = String::from_utf8_lossy(body);
                    (xml_text(&body, "Code"), xml_text(&body, "Message"))
                }
            };
            match (code, message) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code,
                (None, _) => format!("HTTP {status} without an error code"),
            }
        }
        other => error_chain(other),
    };
    Error::Aws {
        context: format!("{context}: {operation}"),
        message,
    }
}

/// The text of the first `<tag>` element, if it is short plain text.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    let text = xml[start..end].trim();
    (!text.is_empty() && text.len() <= 500 && !text.contains('<')).then(|| {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    })
}

/// `Display` of an error and its sources, each once, joined by ": ".
fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(current) = next {
        let text = current.to_string();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = current.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_reads_plain_elements_only() {
        let body = "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>a &amp; b</Message></Error></Errors></ErrorResponse>";
        assert_eq!(
            xml_text(body, "Code").as_deref(),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(xml_text(body, "Message").as_deref(), Some("a & b"));
        assert_eq!(xml_text(body, "Type"), None);
        assert_eq!(xml_text("<Code><x/></Code>", "Code"), None);
    }
}
