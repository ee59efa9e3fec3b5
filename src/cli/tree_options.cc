#include "cli/tree_options.h"

namespace deltaglider::cli {
namespace {

// "build=1234,branch=main" into `attributes`; CLI::ValidationError (a usage
// error) for a pair without '=' or with an empty key.
void AddMetadata(const std::string& pairs, ObjectAttributes& attributes) {
  size_t begin = 0;
  while (begin <= pairs.size()) {
    const size_t end = std::min(pairs.find(',', begin), pairs.size());
    const std::string pair = pairs.substr(begin, end - begin);
    const size_t equals = pair.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw CLI::ValidationError("--metadata", "'" + pair + "': expected KEY=VALUE[,KEY=VALUE...]");
    }
    std::string key = pair.substr(0, equals);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    attributes.user_metadata[key] = pair.substr(equals + 1);
    begin = end + 1;
  }
}

}  // namespace

void AddTreeOptions(CLI::App& command, TreeOptions& options, unsigned flags) {
  if (flags & kRecursiveFlag) {
    command.add_flag("-r,--recursive", options.recursive,
                     "Every file under the directory or prefix, keeping the tree below it");
  }
  // Triggered as each occurrence is parsed, so --exclude and --include keep the
  // order they were given in (later rules win).
  command
      .add_option_function<std::string>(
          "--exclude", [&options](const std::string& pattern) { options.filter.Exclude(pattern); },
          "Leave out paths (relative to the source) matching this glob ('*' also matches\n"
          "'/'); may repeat; with --include, later rules win")
      ->trigger_on_parse()
      ->type_name("GLOB");
  command
      .add_option_function<std::string>(
          "--include", [&options](const std::string& pattern) { options.filter.Include(pattern); },
          "Take back paths matching this glob that an earlier --exclude left out")
      ->trigger_on_parse()
      ->type_name("GLOB");
  command.add_flag("--dryrun", options.dryrun,
                   "Print what would be done, \"(dryrun) upload: ...\", and change nothing");
  command.add_flag("--only-show-errors", options.only_show_errors,
                   "Print failures only (also what --quiet does here)");
  if (flags & kTransferFlags) {
    command.add_flag("--no-progress", options.no_progress,
                     "No live progress line on stderr (it is drawn only on a terminal)");
    command.add_option("--content-type", options.upload.content_type,
                       "Content type recorded with uploaded files (default\n"
                       "application/octet-stream); HEAD and GET through the SDK give it back");
    command
        .add_option_function<std::string>(
            "--metadata",
            [&options](const std::string& pairs) { AddMetadata(pairs, options.upload); },
            "Metadata recorded with uploaded files, as x-amz-meta-KEY would be:\n"
            "KEY=VALUE[,KEY=VALUE...]; may repeat; keys are lower-cased as S3 does")
        ->trigger_on_parse()
        ->type_name("KEY=VALUE,...");
  }
  command
      .add_option("--jobs", options.jobs,
                  "Files in flight at once (default: the number of cores, 2 to 16). The first\n"
                  "file of each deltaspace goes alone: it creates (or caches) the reference")
      ->check(CLI::Range(1, 64));
  if (flags & kSyncFlags) {
    command.add_flag("--delete", options.delete_extra,
                     "Delete destination files that are not in the source (filters apply)");
    command.add_flag("--size-only", options.rules.size_only, "Compare sizes only, not times");
    command.add_flag("--exact-timestamps", options.rules.exact_timestamps,
                     "Downloads: transfer same-size files whose times differ at all");
  }
}

}  // namespace deltaglider::cli
