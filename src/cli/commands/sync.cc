// sync: make a destination tree hold the source's logical files, as `aws s3 sync`.
#include "cli/command.h"
#include "cli/tree_transfer.h"

namespace deltaglider::cli {
namespace {

struct SyncArgs {
  std::string source;
  std::string destination;
  TreeOptions tree;
};

Status RunSync(Context& ctx, const SyncArgs& args) {
  DG_ASSIGN_OR_RETURN(Location source, ParseLocation(args.source));
  DG_ASSIGN_OR_RETURN(Location destination, ParseLocation(args.destination));
  return RunTreeTransfer(ctx, TreeMode::kSync, source, destination, args.tree);
}

}  // namespace

void RegisterSyncCommand(CLI::App& app, CommandTable& table) {
  auto args = std::make_shared<SyncArgs>();
  args->tree.recursive = true;
  CLI::App* sync = app.add_subcommand(
      "sync",
      "Copy the files of SRC that DST lacks or holds in an older or different version:\n"
      "local dir -> s3://bucket/prefix, s3:// -> local dir, or s3:// -> s3://. Files are\n"
      "compared by their original (logical) size and time, never by the delta's size:\n"
      "an upload happens when the size differs or the local file is newer than the\n"
      "stored one; a download when the size differs or the local file is newer (with\n"
      "--exact-timestamps: when the times differ). Downloads take the object's time, so\n"
      "a second sync transfers nothing.\n"
      "  deltaglider sync dist/ s3://releases/v1/ --delete\n"
      "  deltaglider sync s3://releases/ ./mirror --exclude '*.tmp'");
  sync->add_option("SRC", args->source, "Local directory or s3://bucket[/prefix]")->required();
  sync->add_option("DST", args->destination, "Local directory or s3://bucket[/prefix]")->required();
  AddTreeOptions(*sync, args->tree, kSyncFlags | kTransferFlags);
  table[sync] = [args](Context& ctx) { return RunSync(ctx, *args); };
}

}  // namespace deltaglider::cli
