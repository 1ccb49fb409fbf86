//! The `klaster` command line. Argument parsing only; the commands live in `cmd/`.

mod cmd;

/// mimalloc: a build allocates and frees many small strings on every thread at once,
/// where glibc's allocator spent a fifth of the build (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Also write .gz and .br copies of HTML, CSS, JS, XML, JSON, SVG and text files
        #[arg(long)]
        precompress: bool,
    },
    /// Check the content and templates without writing anything
    Check {
        /// The site folder (holding content/ and themes/) [default: the current folder]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Output format of the diagnostics
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
        /// Fail on warnings too (missing translations included)
        #[arg(long)]
        strict: bool,
        /// Check records marked `draft: true` too
        #[arg(long)]
        drafts: bool,
        /// Also fetch every outside address the content links to (results kept for a day)
        #[arg(long)]
        links: bool,
        /// The build date (YYYY-MM-DD) for project status [default: SOURCE_DATE_EPOCH, else today]
        #[arg(long, value_name = "D")]
        date: Option<String>,
    },
    /// Build, serve on this computer and rebuild on every change (the page reloads itself)
    Serve {
        /// The site folder (holding content/ and themes/) [default: the current folder]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Include records marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// The build date (YYYY-MM-DD) for project status [default: SOURCE_DATE_EPOCH, else the day of each rebuild]
        #[arg(long, value_name = "D")]
        date: Option<String>,
    },
    /// Create a record with every field of its collection, in every language
    New {
        /// partners, people, strategy, projects, news or pages
        collection: String,
        /// The file name of the record: lower-case letters, digits and hyphens
        slug: String,
        /// The site folder (holding content/ and themes/) [default: the current folder]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Create a new site that builds at once
    Init {
        /// An empty or new folder
        dir: PathBuf,
        /// The site's languages, the default first
        #[arg(long, default_value = "et,en", value_name = "CODES")]
        languages: String,
    },
    /// Write content/i18n/<LANG>.yaml with every interface text of the theme to translate
    Strings {
        /// The language, e.g. `sv`
        lang: String,
        /// The site folder (holding content/ and themes/) [default: the current folder]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Manage translations: mark a record's translation as up to date
    Translations {
        /// The site folder (holding content/ and themes/) [default: the current folder]
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Record id and language, e.g. `--mark-done partners/tehnopol en`
        #[arg(long, num_args = 2, value_names = ["ID", "LANG"])]
        mark_done: Vec<String>,
    },
    /// Remove the output a build replaced (started by `klaster build` itself)
    #[command(hide = true)]
    RemovePrevious {
        /// The folder beside the output that holds the previous site
        dir: PathBuf,
    },
}

/// No transparent huge pages: the allocator would otherwise take memory in 2 MiB
/// pieces, which made a build's peak memory 15 % larger and not faster
/// (docs/performance.md).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` of mimalloc.h, v3;
/// the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory that mimalloc has freed goes back to the system after 5 ms instead of
/// keeping it for reuse longer: a build frees the files it read and the records it
/// resolved while it allocates the model and the pages, and returning them sooner
/// made the peak of a 2 x 10,000 build about 15 % smaller for about 2 % more time
/// (docs/performance.md).
fn prompt_purging() {
    // SAFETY: sets one of mimalloc's options, a plain value it reads when it purges.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 5);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    prompt_purging();
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
            precompress,
        } => cmd::build::run(cmd::build::Args {
            root: cmd::site_root(root.as_deref()),
            output,
            base_url,
            drafts,
            date,
            precompress,
        }),
        Command::Check {
            root,
            format,
            strict,
            drafts,
            links,
            date,
        } => cmd::check::run(cmd::check::Args {
            root: cmd::site_root(root.as_deref()),
            format: match format {
                FormatArg::Text => cmd::check::Format::Text,
                FormatArg::Json => cmd::check::Format::Json,
            },
            strict,
            drafts,
            links,
            date,
        }),
        Command::Serve {
            root,
            bind,
            port,
            open,
            drafts,
            date,
        } => cmd::serve::run(cmd::serve::Args {
            root: cmd::site_root(root.as_deref()),
            bind,
            port,
            open,
            drafts,
            date,
        }),
        Command::Strings { lang, root } => cmd::strings::run(cmd::strings::Args {
            root: cmd::site_root(root.as_deref()),
            lang,
        }),
        Command::New {
            collection,
            slug,
            root,
        } => cmd::new::run(cmd::new::Args {
            root: cmd::site_root(root.as_deref()),
            collection,
            slug,
        }),
        Command::Init { dir, languages } => cmd::init::run(cmd::init::Args { dir, languages }),
        Command::Translations { root, mark_done } => {
            cmd::translations::run(cmd::translations::Args {
                root: cmd::site_root(root.as_deref()),
                mark_done,
            })
        }
        Command::RemovePrevious { dir } => cmd::previous::run(&dir),
    };
    cmd::exit(code)
}
