//! STARTTLS: the plain-text exchange before a handshake, for servers that start in the clear —
//! PostgreSQL's SSLRequest and SMTP's EHLO / STARTTLS.

use crate::model::Failure;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Which protocol to speak before the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    Postgres,
    Smtp,
}

impl StartTls {
    pub fn parse(text: &str) -> Option<StartTls> {
        match text {
            "postgres" | "postgresql" => Some(StartTls::Postgres),
            "smtp" => Some(StartTls::Smtp),
            _ => None,
        }
    }

    /// Asks the server to start TLS on `stream`; afterwards the handshake may begin.
    pub async fn negotiate(self, stream: &mut TcpStream) -> Result<(), Failure> {
        match self {
            StartTls::Postgres => postgres(stream).await,
            StartTls::Smtp => smtp(stream).await,
        }
    }
}

/// PostgreSQL's SSLRequest: length 8, code 80877103; the server answers `S` or `N`.
async fn postgres(stream: &mut TcpStream) -> Result<(), Failure> {
    let request = [0u8, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
    stream.write_all(&request).await.map_err(lost)?;
    let answer = stream.read_u8().await.map_err(lost)?;
    match answer {
        b'S' => Ok(()),
        b'N' => Err(Failure::no_answer(
            "PostgreSQL does not offer TLS (it answered N to SSLRequest)",
        )),
        other => Err(Failure::cannot_judge(format!(
            "not a PostgreSQL server (answered byte 0x{other:02x} to SSLRequest)"
        ))),
    }
}

/// SMTP: the 220 greeting, EHLO, STARTTLS, and its 220.
async fn smtp(stream: &mut TcpStream) -> Result<(), Failure> {
    let mut reader = BufReader::new(stream);
    reply(&mut reader, "220").await?;
    reader
        .get_mut()
        .write_all(b"EHLO flightdeck\r\n")
        .await
        .map_err(lost)?;
    let features = reply(&mut reader, "250").await?;
    if !features.to_ascii_uppercase().contains("STARTTLS") {
        return Err(Failure::no_answer(
            "the SMTP server does not offer STARTTLS",
        ));
    }
    reader
        .get_mut()
        .write_all(b"STARTTLS\r\n")
        .await
        .map_err(lost)?;
    reply(&mut reader, "220").await?;
    Ok(())
}

/// Reads one SMTP reply (its `NNN-` lines up to the `NNN ` one) and checks its code.
async fn reply(reader: &mut BufReader<&mut TcpStream>, code: &str) -> Result<String, Failure> {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).await.map_err(lost)?;
        if n == 0 {
            return Err(Failure::no_answer("the SMTP server closed the connection"));
        }
        all.push_str(&line);
        if line.len() < 4 || !line.starts_with(code) {
            return Err(Failure::cannot_judge(format!(
                "SMTP answered `{}` where {code} was expected",
                line.trim()
            )));
        }
        if line.as_bytes()[3] == b' ' {
            return Ok(all);
        }
        if all.len() > 64 * 1024 {
            return Err(Failure::cannot_judge("the SMTP reply is too long"));
        }
    }
}

fn lost(e: std::io::Error) -> Failure {
    Failure::no_answer(format!("the connection failed before the handshake: {e}"))
}
