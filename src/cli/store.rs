//! `beatwire store …`: commands on a store given by its location (a sled path or a
//! `postgres://` URL), not by `feeds.toml`, so they work without one.
//!
//! Must not: read or write a store itself; `app::store_copy` does.

use clap::Subcommand;

use super::{Exit, Failure, print_line, to_json};
use crate::app::store_copy::{self, Copied};
use crate::store::copy::CopyError;
use crate::store::{Location, StoreError};

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy a store whole into an empty one (sled to PostgreSQL, back, or sled to sled), then
    /// check that both sides count the same stories, keys, tombstones and sources.
    Copy(CopyArgs),
}

#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// The store to copy: a sled path (`data/beatwire.sled`) or a postgres:// URL.
    #[arg(long, value_name = "PATH|URL")]
    pub from: Location,
    /// The store to copy into, empty or not yet there: a sled path or a postgres:// URL.
    #[arg(long, value_name = "PATH|URL")]
    pub to: Location,
    /// One JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `store` subcommand.
pub fn store(command: StoreCommand) -> Result<Exit, Failure> {
    match command {
        StoreCommand::Copy(args) => {
            let copied = store_copy::copy_store(&args.from, &args.to).map_err(failure)?;
            print_copied(&copied, args.json)?;
            Ok(Exit::Success)
        }
    }
}

fn print_copied(copied: &Copied, json: bool) -> Result<(), Failure> {
    if json {
        print_line(&to_json(copied)?)
    } else {
        print_line(&copied.describe())
    }
}

/// The exit code of a copy that stopped: 2 when the command line names the wrong stores (none
/// at `--from`, the same store twice, a destination that is not empty), 3 for a held lock, 1 when the copy itself failed or its counts differ.
fn failure(error: anyhow::Error) -> Failure {
    let wrong_store = matches!(
        error.downcast_ref::<CopyError>(),
        Some(CopyError::NotEmpty { .. } | CopyError::SameStore { .. })
    ) || matches!(
        error.downcast_ref::<StoreError>(),
        Some(StoreError::Missing { .. })
    );
    if wrong_store {
        Failure::Usage(error)
    } else {
        Failure::app(error)
    }
}
