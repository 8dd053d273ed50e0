//! The README's curl walk-through, run as written against the built binary (with `curl` and
//! `oathtool`, which `scripts/setup.sh` installs), so the README cannot rot.

use std::process::Stdio;

use tokio::process::Command;

use crate::binary::Process;

fn flow_block() -> String {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("<!-- readme-flow:start -->")
        .expect("start marker");
    let end = readme.find("<!-- readme-flow:end -->").expect("end marker");
    let block = &readme[start..end];
    let body_start = block.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let body_end = block.rfind("```").expect("the block's end");
    block[body_start..body_end].to_owned()
}

fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[tokio::test]
async fn the_readme_curl_flow_works_as_written() {
    for tool in ["curl", "oathtool"] {
        assert!(
            have(tool),
            "{tool} is needed for the README test (scripts/setup.sh installs it)"
        );
    }
    let server = Process::start(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &flow_block()])
        .env("URL", &server.url)
        .env("TMPDIR", tmp.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = [
        r#"{"next":"enroll"}"#,
        r#""otpauthUri":"otpauth://totp/totpkit%20demo:alice%40example.com?secret="#,
        r#"{"next":"done","recoveryCodes":["#,
        r#"{"email":"alice@example.com","twoFactor":true}"#,
        r#"{"next":"login"}"#,
        r#"{"next":"otp"}"#,
        r#"{"next":"done","recoveryCodesLeft":10}"#,
        r#"{"email":"alice@example.com","twoFactor":true}"#,
    ];
    let mut rest = stdout.as_ref();
    for want in expected {
        let at = rest
            .find(want)
            .unwrap_or_else(|| panic!("missing {want} in order in:\n{stdout}"));
        rest = &rest[at + want.len()..];
    }
    server.stop().await;
}
