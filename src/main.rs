fn main() -> std::process::ExitCode {
    clusterlint::cli::main()
}
