//! `totpkit-mock-server`: parses the command line, opens the store, prints the URL and the
//! demo account, and serves until Ctrl-C. Everything else is in the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use totpkit_mock_server::{
    AppState, Config, DEFAULT_PORT, DEMO_EMAIL, DEMO_PASSWORD, SystemClock, bind, serve,
};

const USAGE: &str = "\
usage: totpkit-mock-server [options]

  --port N             port on 127.0.0.1 (default: $PORT, else 8080; 0 picks a free one)
  --data-file PATH     keep users across restarts in this JSON file (default: memory only)
  --clock-offset-ms N  shift the server's clock by N ms (may be negative) to show drift detection
  --www DIR            the demo page (default: www/ at the workspace root)
  --pkg DIR            the built package, served at /pkg/ (default: pkg/ at the workspace root)
  --allow-host NAME    also answer to this host name (NAME or NAME:PORT; repeatable); by
                       default only 127.0.0.1:PORT and localhost:PORT are answered
  --header-timeout-ms N  time to send a request's head, and the idle keep-alive limit
                       (default 10000)
  --quiet              no request log on stderr
  --help               this text";

/// The parsed command line.
struct Args {
    port: u16,
    offset_ms: i64,
    config: Config,
}

fn parse_args(
    mut args: impl Iterator<Item = String>,
    port_env: Option<String>,
) -> Result<Option<Args>, String> {
    let mut config = Config {
        log_requests: true,
        ..Config::default()
    };
    let mut port = None;
    let mut offset_ms = 0i64;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" => port = Some(parse_port(&value("--port")?)?),
            "--data-file" => config.data_file = Some(PathBuf::from(value("--data-file")?)),
            "--clock-offset-ms" => {
                let text = value("--clock-offset-ms")?;
                offset_ms = text
                    .parse()
                    .map_err(|_| format!("--clock-offset-ms: not a whole number: {text}"))?;
            }
            "--www" => config.www = PathBuf::from(value("--www")?),
            "--pkg" => config.pkg = PathBuf::from(value("--pkg")?),
            "--allow-host" => config.extra_hosts.push(value("--allow-host")?),
            "--header-timeout-ms" => {
                let text = value("--header-timeout-ms")?;
                let ms: u64 = text
                    .parse()
                    .ok()
                    .filter(|ms| (1..=600_000).contains(ms))
                    .ok_or_else(|| format!("--header-timeout-ms: not 1-600000: {text}"))?;
                config.conn.header_timeout = std::time::Duration::from_millis(ms);
            }
            "--quiet" => config.log_requests = false,
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let port = match (port, port_env) {
        (Some(port), _) => port,
        (None, Some(env)) if !env.is_empty() => {
            parse_port(&env).map_err(|e| format!("PORT: {e}"))?
        }
        _ => DEFAULT_PORT,
    };
    Ok(Some(Args {
        port,
        offset_ms,
        config,
    }))
}

fn parse_port(text: &str) -> Result<u16, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("not a port number (0-65535): {text}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1), std::env::var("PORT").ok()) {
        Ok(Some(args)) => args,
        Ok(None) => {
            say(USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    for (what, dir) in [
        ("demo page", &args.config.www),
        ("package", &args.config.pkg),
    ] {
        if !dir.is_dir() {
            eprintln!(
                "note: {what} directory {} does not exist yet; its files will answer 404",
                dir.display()
            );
        }
    }
    let data_file = args.config.data_file.clone();
    let state = match AppState::new(
        args.config,
        Arc::new(SystemClock::with_offset_ms(args.offset_ms)),
    ) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match bind(args.port).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    let url = match listener.local_addr() {
        Ok(addr) => format!("http://{addr}/"),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    say(&format!("totpkit mock server: {url}"));
    say(&format!(
        "demo account: {DEMO_EMAIL}  password: {DEMO_PASSWORD}"
    ));
    if args.offset_ms != 0 {
        say(&format!("server clock shifted by {} ms", args.offset_ms));
    }
    if let Some(path) = data_file {
        say(&format!("users kept in {}", path.display()));
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match serve(listener, state, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a line on stdout and flushes it at once (tests and scripts read the URL from it). A
/// closed stdout is not an error worth stopping the server for.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: Option<&str>) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()), env.map(String::from))
    }

    #[test]
    fn flags_env_and_defaults() {
        let args = parse(&[], None).unwrap().unwrap();
        assert_eq!(
            (args.port, args.offset_ms, args.config.data_file),
            (DEFAULT_PORT, 0, None)
        );
        assert!(args.config.www.ends_with("www"));
        assert_eq!(parse(&[], Some("9000")).unwrap().unwrap().port, 9000);
        let args = parse(
            &[
                "--port",
                "0",
                "--clock-offset-ms=-90000",
                "--data-file",
                "u.json",
                "--quiet",
                "--allow-host",
                "demo.test",
                "--header-timeout-ms=250",
            ],
            Some("9000"),
        )
        .unwrap()
        .unwrap();
        assert_eq!((args.port, args.offset_ms), (0, -90_000));
        assert_eq!(args.config.data_file, Some(PathBuf::from("u.json")));
        assert!(!args.config.log_requests);
        assert_eq!(args.config.extra_hosts, ["demo.test"]);
        assert_eq!(
            args.config.conn.header_timeout,
            std::time::Duration::from_millis(250)
        );
        assert!(parse(&["--help"], None).unwrap().is_none());
        for bad in [
            &["--port", "70000"][..],
            &["--port"],
            &["--clock-offset-ms", "1.5"],
            &["--header-timeout-ms", "0"],
            &["--nope"],
        ] {
            assert!(parse(bad, None).is_err(), "{bad:?}");
        }
        assert!(parse(&[], Some("x")).is_err());
    }
}
