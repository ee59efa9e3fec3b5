// EncodeWithXdelta3Program: runs the xdelta3 program (Debian package xdelta3) on temp
// files in a private directory that is always removed; NewXdelta3Codec plugs it
// into the in-process VCDIFF codec.
#include "adapters/xdelta3/xdelta3_program.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "codec/vcdiff/vcdiff_delta_codec.h"
#include "deltaglider/files.h"
#include "deltaglider/vcdiff.h"

extern char** environ;

namespace deltaglider {
namespace {

namespace fs = std::filesystem;

Status WriteFile(const std::string& path, ByteSource& source) {
  DG_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(path, Durability::kAtomic));
  DG_RETURN_IF_ERROR(Copy(source, *sink));
  return sink->Commit();
}

// Runs argv[0] from PATH with stdout/stderr discarded; returns its exit status.
Result<int> Run(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "xdelta3: program not found on PATH; install the Debian package "
                     "'xdelta3' (apt-get install xdelta3) or use --codec zstd-patch");
  }
  if (rc != 0) return MakeError(ErrorCode::kIoError, "xdelta3: cannot start: ", std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return MakeError(ErrorCode::kIoError, "xdelta3: wait failed");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Status EncodeWithXdelta3Program(std::span<const std::byte> reference, ByteSource& target,
                                ByteSink& delta) {
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDirectory> scratch,
                      ScratchDirectory::Create("dg-xdelta3-"));
  SpanSource reference_source(reference);
  DG_RETURN_IF_ERROR(WriteFile(scratch->Path("reference.bin"), reference_source));
  DG_RETURN_IF_ERROR(WriteFile(scratch->Path("target"), target));
  DG_ASSIGN_OR_RETURN(int exit_code,
                      Run({"xdelta3", "-e", "-9", "-D", "-f", "-s", scratch->Path("reference.bin"),
                           scratch->Path("target"), scratch->Path("delta")}));
  if (exit_code != 0) {
    return MakeError(ErrorCode::kIoError, "xdelta3 -e exited with status ",
                     std::to_string(exit_code));
  }
  DG_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> out, OpenFileSource(scratch->Path("delta")));
  return Copy(*out, delta).status();
}

}  // namespace deltaglider

namespace deltaglider {

std::unique_ptr<DeltaCodec> NewXdelta3Codec() {
  return NewVcdiffDeltaCodec(EncodeWithXdelta3Program);
}

}  // namespace deltaglider
