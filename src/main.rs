//! The `switchboard` binary: the command line in `cli`.

fn main() -> std::process::ExitCode {
    switchboard::cli::main()
}
