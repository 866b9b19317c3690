//! Rendering many items on the current rayon pool and writing their bytes in input order.
//!
//! Account reports hold thousands of policies and principals whose rendering costs vary by
//! orders of magnitude (a `*` policy lists thousands of actions). Items are rendered in
//! parallel into buffers a block at a time, and the block's buffers are then written in
//! order: the output is the same as rendering them one after the other, and the memory held
//! is bounded by one block's output.

use std::io::{self, Write};

use rayon::prelude::*;

/// Items per block: enough for the threads to balance uneven items, few enough to bound the
/// memory a block's output holds.
const BLOCK: usize = 512;

/// Calls `render` for every item (with its index) and writes what each renders to `out`, in
/// item order: the same bytes as rendering them one after the other. With more than one
/// thread in the current rayon pool, items are rendered in parallel; only the calling thread
/// writes to `out`. The first error (in item order) is returned.
///
/// ```
/// use std::io::Write;
///
/// let items: Vec<u32> = (0..1000).collect();
/// let mut out = Vec::new();
/// policy_sentry::output::ordered::write_ordered(&items, |_, n, buffer| writeln!(buffer, "{n}"), &mut out)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.lines().map(|l| l.parse::<u32>().unwrap()).eq(0..1000));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_ordered<'a, T: Sync>(
    items: &'a [T],
    render: impl Fn(usize, &'a T, &mut Vec<u8>) -> io::Result<()> + Sync,
    out: &mut (impl Write + Send + ?Sized),
) -> io::Result<()> {
    for (block, chunk) in items.chunks(BLOCK).enumerate() {
        let start = block * BLOCK;
        let rendered: Vec<io::Result<Vec<u8>>> = chunk
            .par_iter()
            .enumerate()
            .map(|(position, item)| {
                let mut buffer = Vec::new();
                render(start + position, item, &mut buffer).map(|()| buffer)
            })
            .collect();
        for bytes in rendered {
            out.write_all(&bytes?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_all(threads: usize, items: &[usize]) -> io::Result<Vec<u8>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut out = Vec::new();
        pool.install(|| {
            write_ordered(
                items,
                |index, item, buffer| {
                    if *item == 7_777 {
                        return Err(io::Error::other(format!("item {index}")));
                    }
                    // Uneven work: every 97th item is large.
                    let repeat = if item % 97 == 0 { 5_000 } else { 1 };
                    for _ in 0..repeat {
                        write!(buffer, "{item},")?;
                    }
                    Ok(())
                },
                &mut out,
            )
        })?;
        Ok(out)
    }

    #[test]
    fn parallel_output_equals_serial_output() {
        let items: Vec<usize> = (0..3_000).collect();
        let serial = render_all(1, &items).unwrap();
        for threads in [2, 3, 8] {
            assert!(render_all(threads, &items).unwrap() == serial, "{threads}");
        }
        for len in [0, 1, 2, BLOCK, BLOCK + 1, 3 * BLOCK + 5] {
            let items: Vec<usize> = (0..len).collect();
            assert!(render_all(2, &items).unwrap() == render_all(1, &items).unwrap());
        }
    }

    #[test]
    fn the_first_error_in_item_order_is_returned() {
        let mut items: Vec<usize> = (0..2_000).collect();
        items[1_500] = 7_777;
        items[600] = 7_777;
        for threads in [1, 2, 4] {
            let error = render_all(threads, &items).unwrap_err();
            assert_eq!(error.to_string(), "item 600", "{threads}");
        }
    }

    #[test]
    fn a_panic_while_rendering_is_raised_not_a_hang() {
        let items: Vec<usize> = (0..1_000).collect();
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pool.install(|| {
                    write_ordered(
                        &items,
                        |_, item, buffer| {
                            assert_ne!(*item, BLOCK - 1, "a bug while rendering");
                            write!(buffer, "{item}")
                        },
                        &mut Vec::new(),
                    )
                })
            }));
            assert!(outcome.is_err(), "{threads}");
        }
    }

    #[test]
    fn writers_sharing_a_pool_do_not_wait_for_each_other() {
        // Two writers at once on two threads: each may run the other's helpers while it
        // waits, which must not deadlock.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let items: Vec<usize> = (0..5_000).collect();
        let write = |items: &[usize]| {
            let mut out = Vec::new();
            write_ordered(
                items,
                |_, item, buffer| {
                    let repeat = if item % 89 == 0 { 3_000 } else { 1 };
                    (0..repeat).try_for_each(|_| write!(buffer, "{item};"))
                },
                &mut out,
            )
            .map(|()| out)
        };
        for _ in 0..20 {
            let (a, b) = pool.install(|| rayon::join(|| write(&items), || write(&items[7..])));
            assert!(a.unwrap().len() > b.unwrap().len());
        }
    }
}
