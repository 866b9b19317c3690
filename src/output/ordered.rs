//! Rendering many items on the current rayon pool and writing their bytes in input order.
//!
//! Account reports hold thousands of policies and principals whose rendering costs vary by
//! orders of magnitude (a `*` policy lists thousands of actions). The items are taken a block
//! at a time: the calling thread renders from the front of the block, writing each item as it
//! goes, while helper tasks on the other threads of the pool render from the back of the block
//! into buffers that the calling thread writes once the two ends meet. Work balances item by
//! item, with no batch boundary to wait at. Buffers are recycled, so after the first blocks no
//! fresh memory is touched (a fresh page costs a fault, and faults do not scale across
//! threads), and the memory held is bounded by a few blocks.
//!
//! Helpers never wait: one that gets more than a block ahead of the writer ends, and the writer
//! starts another when it moves on. A helper may run inside another task's wait (rayon lends
//! waiting threads out), so a helper that blocked on its writer could block that writer too.

use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Items per block: enough for the threads to balance uneven items, few enough to bound the
/// memory the back of a block holds.
const BLOCK: usize = 256;

/// The smallest block at the end of the items (see [`block_bounds`]).
const TAIL_BLOCK: usize = 8;

/// A helper hands its rendered bytes over once they reach this size, so the buffers stay small
/// enough to be reused from the allocator's free lists rather than mapped afresh.
const PART_BYTES: usize = 64 * 1024;

/// Where an item's bytes are in a [`Part`], or why it has none.
type ItemRange = io::Result<(usize, usize)>;

/// What one helper rendered in one block: the bytes, and where each item's are.
struct Part {
    bytes: Vec<u8>,
    /// Item positions in the block (descending) with their byte ranges.
    items: Vec<(usize, ItemRange)>,
}

/// One block's shared state.
struct Block {
    /// Its first item, and how many it holds.
    start: usize,
    len: usize,
    /// The front end (the next item the writer takes) and the back end (items at and after it
    /// are taken by helpers). All items are taken when they meet.
    ends: Mutex<(usize, usize)>,
    /// Helpers' finished parts, and how many items they hold.
    parts: Mutex<Vec<Part>>,
    rendered: AtomicUsize,
}

impl Block {
    fn new(start: usize, len: usize) -> Block {
        Block {
            start,
            len,
            ends: Mutex::new((0, len)),
            parts: Mutex::new(Vec::new()),
            rendered: AtomicUsize::new(0),
        }
    }

    /// Takes the next item from the front, if any is left.
    fn take_front(&self) -> Option<usize> {
        let mut ends = lock(&self.ends);
        (ends.0 < ends.1).then(|| {
            ends.0 += 1;
            ends.0 - 1
        })
    }

    /// Takes the next item from the back, if any is left.
    fn take_back(&self) -> Option<usize> {
        let mut ends = lock(&self.ends);
        (ends.0 < ends.1).then(|| {
            ends.1 -= 1;
            ends.1
        })
    }
}

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
    let helpers = rayon::current_num_threads().saturating_sub(1);
    let mut buffer = Vec::new();
    if helpers == 0 || items.len() < 2 {
        for (index, item) in items.iter().enumerate() {
            buffer.clear();
            render(index, item, &mut buffer)?;
            out.write_all(&buffer)?;
        }
        return Ok(());
    }
    let blocks: Vec<Block> = block_bounds(items.len())
        .map(|(start, len)| Block::new(start, len))
        .collect();
    // The block the writer is in, whether it has stopped, how many helpers run, and buffers
    // to reuse.
    let writer_block = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    let running = AtomicUsize::new(0);
    let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let panicked: Mutex<Option<Box<dyn std::any::Any + Send>>> = Mutex::new(None);
    let render = &render;
    let (blocks, writer_block, stopped, running, spare, panicked) = (
        &blocks,
        &writer_block,
        &stopped,
        &running,
        &spare,
        &panicked,
    );
    let new_part = || Part {
        bytes: lock(spare).pop().unwrap_or_default(),
        items: Vec::new(),
    };
    let publish = |block: &Block, part: Part| {
        let count = part.items.len();
        if count == 0 {
            lock(spare).push(part.bytes);
        } else {
            lock(&block.parts).push(part);
            block.rendered.fetch_add(count, Ordering::Release);
        }
    };
    let helper = move || {
        let mut number = writer_block.load(Ordering::Acquire);
        while number < blocks.len()
            && number <= writer_block.load(Ordering::Acquire) + 1
            && !stopped.load(Ordering::Acquire)
        {
            let block = &blocks[number];
            let mut part = new_part();
            while let Some(position) = block.take_back() {
                let start = part.bytes.len();
                let index = block.start + position;
                // A panic must still publish the item, or the writer would wait for it
                // forever; it is raised again once the scope ends.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    render(index, &items[index], &mut part.bytes)
                }))
                .unwrap_or_else(|payload| {
                    lock(panicked).get_or_insert(payload);
                    Err(io::Error::other(format!(
                        "rendering element {index} panicked"
                    )))
                });
                part.items
                    .push((position, result.map(|()| (start, part.bytes.len()))));
                if part.bytes.len() >= PART_BYTES {
                    publish(block, std::mem::replace(&mut part, new_part()));
                }
            }
            publish(block, part);
            number += 1;
        }
        running.fetch_sub(1, Ordering::Release);
    };
    let written = rayon::scope(|scope| {
        let mut write_blocks = || -> io::Result<()> {
            for (number, block) in blocks.iter().enumerate() {
                writer_block.store(number, Ordering::Release);
                while running.load(Ordering::Acquire) < helpers {
                    running.fetch_add(1, Ordering::AcqRel);
                    scope.spawn(move |_| helper());
                }
                let mut written = 0;
                while let Some(position) = block.take_front() {
                    let index = block.start + position;
                    buffer.clear();
                    render(index, &items[index], &mut buffer)?;
                    out.write_all(&buffer)?;
                    written = position + 1;
                }
                // The two ends have met: the rest of the block is the helpers'.
                let expected = block.len - written;
                while block.rendered.load(Ordering::Acquire) < expected {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::thread::yield_now();
                    }
                }
                let mut parts = std::mem::take(&mut *lock(&block.parts));
                // (position in the block, part, byte range in the part)
                let mut ranges: Vec<(usize, usize, ItemRange)> = parts
                    .iter_mut()
                    .enumerate()
                    .flat_map(|(part, p)| {
                        p.items
                            .drain(..)
                            .map(move |(position, range)| (position, part, range))
                    })
                    .collect();
                ranges.sort_unstable_by_key(|(position, _, _)| *position);
                for (_, part, range) in ranges {
                    let (start, end) = range?;
                    out.write_all(&parts[part].bytes[start..end])?;
                }
                let mut spare = lock(spare);
                for mut part in parts {
                    part.bytes.clear();
                    spare.push(part.bytes);
                }
            }
            Ok(())
        };
        let result = write_blocks();
        stopped.store(true, Ordering::Release);
        result
    });
    if let Some(payload) = lock(panicked).take() {
        std::panic::resume_unwind(payload);
    }
    written
}

/// The blocks' (first item, length) for `len` items: [`BLOCK`] items each, but the last ones
/// halve down to [`TAIL_BLOCK`]. The writer writes out the helpers' share of the last block
/// while they have nothing left to do, so that share should be small.
fn block_bounds(len: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let remaining = len - start;
        let size = if remaining > 2 * BLOCK {
            BLOCK
        } else {
            (remaining / 2).max(TAIL_BLOCK).min(remaining)
        };
        (size > 0).then(|| {
            start += size;
            (start - size, size)
        })
    })
}

/// A lock that a panic elsewhere does not poison for good: a panic while rendering is
/// re-raised by the scope anyway.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    fn blocks_cover_the_items_in_order_and_shrink_at_the_end() {
        for len in [0, 1, 7, 8, 9, 100, BLOCK, 2 * BLOCK + 1, 10_000] {
            let bounds: Vec<(usize, usize)> = block_bounds(len).collect();
            let mut next = 0;
            for (start, size) in &bounds {
                assert_eq!(*start, next, "{len}");
                assert!(*size > 0 && *size <= BLOCK, "{len}");
                next += size;
            }
            assert_eq!(next, len);
            if let Some((_, last)) = bounds.last() {
                assert!(*last <= TAIL_BLOCK, "{len}: last block {last}");
            }
        }
    }

    #[test]
    fn parallel_output_equals_serial_output() {
        let items: Vec<usize> = (0..3_000).collect();
        let serial = render_all(1, &items).unwrap();
        for threads in [2, 3, 8] {
            assert!(render_all(threads, &items).unwrap() == serial, "{threads}");
        }
        for len in [0, 1, 2, BLOCK, BLOCK + 1] {
            let items: Vec<usize> = (0..len).collect();
            assert!(render_all(2, &items).unwrap() == render_all(1, &items).unwrap());
        }
    }

    /// Renders `count` items of 2 KiB each (a helper's share of one block fills several
    /// parts), failing at item `fail_at`.
    fn render_wide(threads: usize, count: usize, fail_at: Option<usize>) -> io::Result<Vec<u8>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let items: Vec<usize> = (0..count).collect();
        let mut out = Vec::new();
        pool.install(|| {
            write_ordered(
                &items,
                |index, item, buffer| match fail_at {
                    Some(at) if at == index => Err(io::Error::other(format!("item {index}"))),
                    _ => write!(buffer, "{item:>2048}"),
                },
                &mut out,
            )
        })?;
        Ok(out)
    }

    #[test]
    fn items_spread_over_many_parts_keep_their_order() {
        const { assert!(BLOCK / 2 * 2048 > 2 * PART_BYTES) };
        let serial = render_wide(1, 1_000, None).unwrap();
        assert_eq!(serial.len(), 1_000 * 2048);
        for threads in [2, 3] {
            assert!(
                render_wide(threads, 1_000, None).unwrap() == serial,
                "{threads}"
            );
            let error = render_wide(threads, 2_000, Some(1_337)).unwrap_err();
            assert_eq!(error.to_string(), "item 1337", "{threads}");
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
            // The last item of the first block: the first a helper takes.
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
