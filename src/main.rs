//! The `klaster` command line. Argument parsing only; the commands live in `cmd/`.

mod cmd;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "klaster",
    version,
    about = "Static sites for innovation clusters: partners, people, strategy, projects and news in several languages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (all or nothing)
    Build {
        /// The site folder (holding content/ and themes/)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Where to write the site [default: <root>/output]
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// The public address of the site, e.g. https://org.github.io/site/
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include records marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// The build date (YYYY-MM-DD) for project status [default: SOURCE_DATE_EPOCH, else today]
        #[arg(long, value_name = "D")]
        date: Option<String>,
    },
    /// Check the content and templates without writing anything
    Check {
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Output format of the diagnostics
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
        /// Fail on warnings too (missing translations included)
        #[arg(long)]
        strict: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return cmd::exit(if e.use_stderr() { cmd::USAGE } else { cmd::OK });
        }
    };
    let code = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            date,
        } => cmd::build::run(cmd::build::Args {
            root: cmd::site_root(root.as_deref()),
            output,
            base_url,
            drafts,
            date,
        }),
        Command::Check {
            root,
            format,
            strict,
        } => cmd::check::run(cmd::check::Args {
            root: cmd::site_root(root.as_deref()),
            format: match format {
                FormatArg::Text => cmd::check::Format::Text,
                FormatArg::Json => cmd::check::Format::Json,
            },
            strict,
        }),
    };
    cmd::exit(code)
}
