//! The hub HQ runs: a headless HTTPS server over its own encrypted store.
//!
//! A hub directory holds `hub.kopa` (an HQ replica, role `hq`, device `hub`),
//! `hub.key` (the store's passphrase, readable by its owner only: put the directory
//! on an encrypted disk), `hub.json` (the address branches use and the certificate's
//! fingerprint) and `tls/` (the self-signed certificate and its key).
//!
//! Every request is authenticated by its credential, looked up in the store on each
//! request, so `kopa hub revoke` in another process takes effect on the next one.
//! Logs name credentials and branch ids, never persons or families.

use crate::invite::{encode_docs, Invite};
use crate::{pack, transport, unpack, MAX_BODY, PROTOCOL};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kopa_domain::Role;
use kopa_registry::{Env, Error, ErrorCode, InitOptions, Registry, Result, SyncPeer, SyncRequest};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the hub allows one caller, so that one broken or hostile laptop cannot
/// starve the branches that sync after it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Requests one credential may make in a burst (a branch's first sync of a
    /// year's data takes a few dozen rounds).
    pub burst: u32,
    /// Requests per second a credential regains after its burst.
    pub per_second: f64,
    /// Longest a request may take to arrive and be answered; a client sending its
    /// body slower than this is cut off with 408.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// Largest request body, compressed; a larger one is refused with 413 before
    /// the hub reads past the limit.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            burst: 120,
            per_second: 4.0,
            request_timeout: Duration::from_secs(180),
            header_timeout: Duration::from_secs(30),
            max_body: MAX_BODY,
        }
    }
}

/// Token buckets per credential, keyed by a hash of the bearer token (checked
/// before the store is touched, so a flood costs the hub no database work).
struct RateLimiter {
    limits: Limits,
    buckets: Mutex<HashMap<[u8; 32], (f64, Instant)>>,
}

impl RateLimiter {
    /// `Ok` to go ahead, or `Err(seconds)` to wait before the next request.
    fn take(&self, token: &str) -> std::result::Result<(), u64> {
        use sha2::Digest;
        let key: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
        let now = Instant::now();
        let burst = f64::from(self.limits.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 10_000 {
            // Forget callers that have been quiet long enough to be full again.
            let full_after = burst / self.limits.per_second;
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < full_after);
        }
        let (tokens, at) = buckets.entry(key).or_insert((burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.limits.per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.limits.per_second).ceil().max(1.0) as u64)
        }
    }
}

/// `hub.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubConfig {
    /// `https://host:port` as branches reach the hub.
    pub address: String,
    pub fingerprint: String,
}

impl HubConfig {
    /// The port invites point at (443 when the address names none).
    pub fn port(&self) -> Option<u16> {
        let rest = self.address.strip_prefix("https://")?;
        let host_port = rest.split('/').next()?;
        match host_port.rsplit_once(':') {
            Some((_, p)) if !host_port.ends_with(']') => p.parse().ok(),
            _ => Some(443),
        }
    }

    /// Where the hub listens unless told otherwise: the address's own port, on this
    /// computer only when the address is this computer (127.0.0.1, localhost), else on
    /// every interface, so the address branches are given is the one that answers.
    pub fn listen(&self) -> Option<std::net::SocketAddr> {
        let rest = self.address.strip_prefix("https://")?;
        let host_port = rest.split('/').next()?;
        let host = match host_port.rsplit_once(':') {
            Some((h, _)) if !host_port.ends_with(']') => h,
            _ => host_port,
        };
        let local = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
        let ip = if local { [127, 0, 0, 1] } else { [0, 0, 0, 0] };
        Some(std::net::SocketAddr::from((ip, self.port()?)))
    }
}

pub struct Hub {
    dir: PathBuf,
    pub config: HubConfig,
}

fn io(e: std::io::Error) -> Error {
    Error::Io(e)
}

/// Writes a new file readable by its owner only (refuses to overwrite).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::AlreadyExists(path.display().to_string())
        } else {
            io(e)
        }
    })?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}

/// The host part of `https://host:port/…`.
fn host_of(address: &str) -> Option<String> {
    let rest = address.strip_prefix("https://")?;
    let authority = rest.split('/').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    (!host.is_empty()).then(|| host.to_string())
}

impl Hub {
    /// Creates a hub in `dir`: HQ's store and keys and a self-signed certificate for
    /// the host in `address`. Refuses to touch an existing hub.
    pub fn init(dir: &Path, name: &str, municipality: &str, address: &str) -> Result<Hub> {
        let host = host_of(address).ok_or_else(|| {
            transport(
                ErrorCode::NetAddress,
                format!("not an https://host:port address: {address}"),
            )
        })?;
        if dir.join("hub.kopa").exists() {
            return Err(Error::AlreadyExists(
                dir.join("hub.kopa").display().to_string(),
            ));
        }
        std::fs::create_dir_all(dir.join("tls")).map_err(io)?;
        let mut secret = [0u8; 32];
        rand_bytes(&mut secret);
        let key: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let reg = Registry::create(
            &dir.join("hub.kopa"),
            &key,
            InitOptions::hub(name, municipality),
            Env::machine(),
        )?;
        reg.identity_card()?; // makes HQ's signing and encryption keys
        write_private(&dir.join("hub.key"), key.as_bytes())?;
        let mut hosts = vec![host];
        for h in ["localhost", "127.0.0.1"] {
            if !hosts.iter().any(|x| x == h) {
                hosts.push(h.into());
            }
        }
        let (cert, tls_key, fingerprint) = crate::tls::self_signed(&hosts)
            .map_err(|e| transport(ErrorCode::NetCertificate, e.to_string()))?;
        write_private(&dir.join("tls/key.pem"), tls_key.as_bytes())?;
        std::fs::write(dir.join("tls/cert.pem"), cert).map_err(io)?;
        let config = HubConfig {
            address: address.trim_end_matches('/').to_string(),
            fingerprint,
        };
        std::fs::write(
            dir.join("hub.json"),
            serde_json::to_vec_pretty(&config).expect("config serialises"),
        )
        .map_err(io)?;
        Ok(Hub {
            dir: dir.to_path_buf(),
            config,
        })
    }

    pub fn open(dir: &Path) -> Result<Hub> {
        let bytes = std::fs::read(dir.join("hub.json"))
            .map_err(|_| Error::NoReplica(dir.display().to_string()))?;
        let config: HubConfig =
            serde_json::from_slice(&bytes).map_err(|_| Error::Corrupt("hub.json".into()))?;
        Ok(Hub {
            dir: dir.to_path_buf(),
            config,
        })
    }

    /// Opens the hub's store.
    pub fn registry(&self) -> Result<Registry> {
        let key = std::fs::read_to_string(self.dir.join("hub.key")).map_err(io)?;
        Registry::open(&self.dir.join("hub.kopa"), key.trim(), Env::machine())
    }

    /// Writes an invite for a new device of `branch` (registered here first if it
    /// is new; `municipality` is then required), or of HQ with `Role::Hq`.
    pub fn enrol(
        &self,
        branch: &str,
        role: Role,
        municipality: Option<&str>,
        address: Option<&str>,
    ) -> Result<Invite> {
        let mut reg = self.registry()?;
        let me = reg.identity();
        let (branch_id, name, muni, peer) = if role == Role::Hq {
            (
                me.branch_id.clone(),
                me.branch_name.clone(),
                me.municipality.clone(),
                "hq".to_string(),
            )
        } else {
            match reg.find_branch(branch)? {
                Some((id, _, _)) if id == me.branch_id => {
                    return Err(Error::NotAllowed {
                        role: "branch".into(),
                        action: "be enrolled as HQ's own branch (use --role hq)",
                    })
                }
                Some((id, name, muni)) => (id.clone(), name, muni, id),
                None => {
                    // Most branches are named after their municipality.
                    let muni = municipality.unwrap_or(branch);
                    let id = reg.register_branch(branch, muni)?.key();
                    let (_, name, muni) = reg.find_branch(&id)?.expect("just registered");
                    (id.clone(), name, muni, id)
                }
            }
        };
        let (_, credential) = reg.issue_credential(&peer, &name, role)?;
        Ok(Invite {
            kopa_invite: 1,
            hub: address
                .unwrap_or(&self.config.address)
                .trim_end_matches('/')
                .to_string(),
            fingerprint: self.config.fingerprint.clone(),
            hq: reg.identity_card()?,
            identity: kopa_registry::JoinIdentity {
                branch_id: branch_id.clone(),
                branch_name: name,
                municipality: muni,
                role: role.as_str().into(),
            },
            credential,
            docs: encode_docs(reg.starter_docs(&branch_id)?),
            cards: reg.device_cards(&peer, role)?,
        })
    }

    /// Starts serving on `listen` in the background (port 0 picks a free port).
    pub fn start(&self, listen: SocketAddr) -> Result<RunningHub> {
        self.start_with(listen, Limits::default())
    }

    /// [`Hub::start`] with other limits than the defaults.
    pub fn start_with(&self, listen: SocketAddr, limits: Limits) -> Result<RunningHub> {
        let cert = std::fs::read_to_string(self.dir.join("tls/cert.pem")).map_err(io)?;
        let key = std::fs::read_to_string(self.dir.join("tls/key.pem")).map_err(io)?;
        let tls = crate::tls::server_config(&cert, &key)
            .map_err(|e| transport(ErrorCode::NetCertificate, e))?;
        let app = Arc::new(App {
            reg: Mutex::new(self.registry()?),
            limiter: RateLimiter {
                limits,
                buckets: Mutex::new(HashMap::new()),
            },
        });
        let listener = std::net::TcpListener::bind(listen).map_err(io)?;
        listener.set_nonblocking(true).map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        let handle = axum_server::Handle::new();
        let server_handle = handle.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(io)?;
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let config = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(tls));
                let mut server =
                    axum_server::from_tcp_rustls(listener, config).handle(server_handle);
                server
                    .http_builder()
                    .http1()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(limits.header_timeout);
                if let Err(e) = server.serve(router(app, limits).into_make_service()).await {
                    tracing::error!(error = %e, "hub stopped");
                }
            });
        });
        tracing::info!(%addr, "hub listening");
        Ok(RunningHub {
            addr,
            handle,
            thread: Some(thread),
        })
    }
}

/// Blocks until Ctrl-C or SIGTERM.
pub fn wait_for_signal() {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            if let Ok(mut term) = signal(SignalKind::terminate()) {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
        }
        let _ = tokio::signal::ctrl_c().await;
    });
}

fn rand_bytes(buf: &mut [u8]) {
    use rand::RngCore;
    rand::rngs::OsRng.fill_bytes(buf);
}

/// A hub serving in the background; stopped when dropped.
pub struct RunningHub {
    pub addr: SocketAddr,
    handle: axum_server::Handle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningHub {
    /// `https://127.0.0.1:PORT` for a hub listening on loopback.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Blocks until the server stops (Ctrl-C in `kopa hub serve`).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn handle(&self) -> axum_server::Handle {
        self.handle.clone()
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.handle.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct App {
    reg: Mutex<Registry>,
    limiter: RateLimiter,
}

fn router(app: Arc<App>, limits: Limits) -> Router {
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/sync", post(sync))
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .with_state(app)
}

fn refusal(status: StatusCode, code: ErrorCode) -> Response {
    (status, axum::Json(serde_json::json!({ "code": code }))).into_response()
}

/// Answers one sync request. The body is read last, after the credential's rate and
/// the protocol are checked, and never past the size limit, so a stranger or a
/// flooding laptop cannot make the hub buffer large bodies.
async fn sync(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = token else {
        tracing::warn!("sync without a credential");
        return refusal(StatusCode::UNAUTHORIZED, ErrorCode::NetUnauthorised);
    };
    if let Err(wait) = app.limiter.take(&token) {
        tracing::warn!(retry_after = wait, "too many requests from one credential");
        let mut r = refusal(StatusCode::TOO_MANY_REQUESTS, ErrorCode::NetRateLimited);
        r.headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from(wait));
        return r;
    }
    if headers.get("kopa-protocol").and_then(|v| v.to_str().ok()) != Some(PROTOCOL) {
        tracing::warn!("sync with another protocol version");
        return refusal(StatusCode::BAD_REQUEST, ErrorCode::NetProtocol);
    }
    let limit = app.limiter.limits.max_body;
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        tracing::warn!(declared, limit, "request body larger than the limit");
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::NetTooLarge);
    }
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            tracing::warn!(limit, "request body cut off or larger than the limit");
            return refusal(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::NetTooLarge);
        }
    };
    match tokio::task::spawn_blocking(move || app.answer(&token, &body)).await {
        Ok(r) => r,
        Err(_) => refusal(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::NetServer),
    }
}

impl App {
    fn answer(&self, token: &str, body: &[u8]) -> Response {
        let mut reg = self.reg.lock().unwrap_or_else(|p| p.into_inner());
        let cred = match reg.check_credential(token) {
            Ok(Some(c)) => c,
            Ok(None) => {
                tracing::warn!("sync with an unknown or revoked credential");
                return refusal(StatusCode::UNAUTHORIZED, ErrorCode::NetUnauthorised);
            }
            Err(e) => {
                tracing::error!(code = e.code().as_str(), "credential lookup failed");
                return refusal(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::NetServer);
            }
        };
        let Some(request) = unpack::<SyncRequest>(body) else {
            tracing::warn!(credential = %cred.id, peer = %cred.peer, bytes = body.len(), "malformed sync request");
            return refusal(StatusCode::BAD_REQUEST, ErrorCode::SyncMalformed);
        };
        let messages_in = request.messages.len();
        let peer = SyncPeer {
            state_key: cred.id.clone(),
            peer: cred.peer.clone(),
            role: cred.role,
        };
        match reg.serve_sync(peer, request) {
            Ok(response) => {
                let out = pack(&response);
                tracing::info!(
                    credential = %cred.id,
                    peer = %cred.peer,
                    messages_in,
                    messages_out = response.messages.len(),
                    bytes_in = body.len(),
                    bytes_out = out.len(),
                    "sync round"
                );
                (StatusCode::OK, out).into_response()
            }
            Err(e) => {
                let code = e.code();
                let status = match code {
                    ErrorCode::SyncNotOwner | ErrorCode::SyncNotReadable => StatusCode::FORBIDDEN,
                    ErrorCode::SyncMalformed | ErrorCode::Corrupt => StatusCode::BAD_REQUEST,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                if status == StatusCode::INTERNAL_SERVER_ERROR {
                    tracing::error!(credential = %cred.id, peer = %cred.peer, code = code.as_str(), "sync failed");
                } else {
                    tracing::warn!(credential = %cred.id, peer = %cred.peer, code = code.as_str(), "sync refused");
                }
                refusal(status, code)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HubConfig;

    #[test]
    fn the_hub_listens_where_its_address_points() {
        let at = |address: &str| {
            let c = HubConfig {
                address: address.into(),
                fingerprint: String::new(),
            };
            (c.port(), c.listen().map(|l| l.to_string()))
        };
        assert_eq!(
            at("https://127.0.0.1:7443"),
            (Some(7443), Some("127.0.0.1:7443".into()))
        );
        assert_eq!(
            at("https://hub.redcross.lv:8443/"),
            (Some(8443), Some("0.0.0.0:8443".into()))
        );
        assert_eq!(
            at("https://10.0.0.5"),
            (Some(443), Some("0.0.0.0:443".into()))
        );
        assert_eq!(at("http://x:1"), (None, None));
    }
}
