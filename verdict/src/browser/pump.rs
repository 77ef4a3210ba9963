//! Relaying a `CONNECT` tunnel both ways, within the page's byte budget.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::ledger::Budget;

/// Copies until both sides are done or the budget runs out; the bytes moved.
pub(super) async fn pump<A, B>(a: A, b: B, budget: &Budget) -> u64
where
    A: AsyncRead + AsyncWrite + Unpin,
    B: AsyncRead + AsyncWrite + Unpin,
{
    let (mut a_read, mut a_write) = tokio::io::split(a);
    let (mut b_read, mut b_write) = tokio::io::split(b);
    let (up, down) = tokio::join!(
        copy(&mut a_read, &mut b_write, budget),
        copy(&mut b_read, &mut a_write, budget)
    );
    up + down
}

async fn copy<R, W>(from: &mut R, to: &mut W, budget: &Budget) -> u64
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buffer = vec![0_u8; 16 * 1024];
    let mut moved = 0_u64;
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let Some(chunk) = buffer.get(..n) else { break };
        if !budget.take(n as u64) || to.write_all(chunk).await.is_err() {
            break;
        }
        moved += n as u64;
    }
    // The other side learns this direction ended (EOF), so it can finish too.
    let _ = to.shutdown().await;
    moved
}
