// How a CLI command plugs into main: each commands/*.cc registers its CLI11
// subcommands and the function that runs once parsing succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>

#include "cli/context.h"

namespace deltaglider::cli {

// Runs a parsed command; the returned Status decides the exit code.
using CommandRunner = std::function<Status(Context&)>;
using CommandTable = std::map<const CLI::App*, CommandRunner>;

void RegisterTransferCommands(CLI::App& app, CommandTable& table);  // cp, mv, put, get
void RegisterSyncCommand(CLI::App& app, CommandTable& table);       // sync
void RegisterListingCommands(CLI::App& app, CommandTable& table);   // ls, stats
void RegisterBucketCommands(CLI::App& app, CommandTable& table);    // mb, rb, rm, verify
void RegisterPresignCommand(CLI::App& app, CommandTable& table);    // presign
void RegisterGcCommand(CLI::App& app, CommandTable& table);         // gc
void RegisterMigrateCommand(CLI::App& app, CommandTable& table);    // migrate
void RegisterAnalyzeCommand(CLI::App& app, CommandTable& table);    // analyze

}  // namespace deltaglider::cli
