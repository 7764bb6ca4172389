//! The `switchboard` binary: the command line in `cli`.

/// mimalloc instead of the system allocator: a request allocates and frees many small pieces
/// across worker threads, where glibc's malloc spends a fifth of the time (see the README's
/// performance figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    switchboard::cli::main()
}
