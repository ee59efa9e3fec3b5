// Files far larger than a codec window, through the CLI as a user runs it, with
// the process's anonymous memory capped (RLIMIT_DATA, 512 MiB: the heap, zstd's
// buffers, thread stacks; the reference cache file the codec maps is page cache
// and does not count). A backup-like file (1 MiB blocks of random bytes and of
// text, none alike) of $DG_HUGE_MIB MiB (default 512) and a second version with
// inserts, a delete and in-place edits at the start, middle and end go up and
// come back byte-exact on file:// (and a third of the size on moto, with
// --memory-limit 160MiB under a 256 MiB cap), the second stored as about its
// changed bytes; and the same, gzipped, through the archive-aware codec. A put
// killed with SIGKILL leaves nothing.
// ctest label "huge": not run under the sanitizers.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/cli/cli_runner.h"
#include "tests/testutil/moto_server.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

namespace fs = std::filesystem;
using testing::CliLaunch;
using testing::CliProcess;
using testing::CliResult;
using testing::TempDir;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kMemoryLimit = 512 * kMiB;

uint64_t HugeBytes() {
  const char* mib = std::getenv("DG_HUGE_MIB");
  return (mib != nullptr ? std::strtoull(mib, nullptr, 10) : 512) * kMiB;
}

// A fast deterministic generator (xorshift64*).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }

 private:
  uint64_t state_;
};

// `size` bytes: random bytes (compressed media) when `random`, else text from a
// 64-word vocabulary (logs, source), different for every seed.
std::string Block(size_t size, uint64_t seed, bool random) {
  static const char* kWords[64] = {
      "backup ", "volume ", "table ",  "index ",  "page ",  "row ",   "commit ", "tx ",
      "select ", "insert ", "update ", "delete ", "from ",  "where ", "and ",    "or ",
      "user ",   "order ",  "item ",   "price ",  "date ",  "time ",  "status ", "ok ",
      "error ",  "warn ",   "info ",   "debug ",  "trace ", "host ",  "port ",   "path ",
      "file ",   "dir ",    "size ",   "mode ",   "owner ", "group ", "link ",   "block ",
      "alpha ",  "beta ",   "gamma ",  "delta ",  "sigma ", "omega ", "kappa ",  "zeta ",
      "0 ",      "1 ",      "2 ",      "3 ",      "42 ",    "99 ",    "1024 ",   "65536 ",
      "{ ",      "} ",      "( ",      ") ",      "; ",     "= ",     "\n",      ", "};
  Random rng(seed);
  std::string out;
  out.reserve(size + 16);
  while (out.size() < size) {
    const uint64_t r = rng.Next();
    if (random) {
      out.append(reinterpret_cast<const char*>(&r), sizeof r);
    } else {
      for (int i = 0; i < 4; ++i) out += kWords[(r >> (6 * i)) & 63];
    }
  }
  out.resize(size);
  return out;
}

// A backup of `size` bytes: 1 MiB blocks, random and text in turn.
void WriteBackup(const std::string& path, uint64_t size, uint64_t seed) {
  std::ofstream out(path, std::ios::binary);
  for (uint64_t at = 0, i = 0; at < size; at += kMiB, ++i) {
    out << Block(std::min(kMiB, size - at), seed * 1000003 + i, i % 2 == 0);
  }
}

// One step of building a new version: bytes of the old one, or new bytes.
struct Piece {
  uint64_t from = 0;  // offset in the old version (when !inserted)
  uint64_t size = 0;
  bool inserted = false;
};

// Writes the new version `pieces` describe; returns how many bytes it inserted.
uint64_t WriteEdited(const std::string& old_path, const std::string& path,
                     const std::vector<Piece>& pieces) {
  std::ifstream in(old_path, std::ios::binary);
  std::ofstream out(path, std::ios::binary);
  uint64_t inserted = 0;
  std::string buffer;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& piece = pieces[i];
    if (piece.inserted) {
      for (uint64_t done = 0; done < piece.size; done += kMiB) {
        out << Block(std::min(kMiB, piece.size - done), 777 + i * 4096 + done / kMiB, true);
      }
      inserted += piece.size;
      continue;
    }
    in.seekg(static_cast<std::streamoff>(piece.from));
    for (uint64_t done = 0; done < piece.size;) {
      buffer.resize(std::min(8 * kMiB, piece.size - done));
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      out << buffer;
      done += buffer.size();
    }
  }
  return inserted;
}

// The second version of a backup of `size` bytes: 1 MiB inserted at the start,
// 64 KiB overwritten in place at a third, `far` (80 MiB) inserted at 60%
// (further than a segment's region reaches, so its tail is found by content),
// 3 MiB deleted at 80%, 2 MiB appended.
uint64_t WriteSecondVersion(const std::string& old_path, const std::string& path, uint64_t size,
                            uint64_t far = 80 * kMiB) {
  const uint64_t third = size / 3, at60 = size / 10 * 6, at80 = size / 10 * 8;
  return WriteEdited(old_path, path,
                     {{0, kMiB, true},
                      {0, third, false},
                      {0, 64 << 10, true},
                      {third + (64 << 10), at60 - third - (64 << 10), false},
                      {0, far, true},
                      {at60, at80 - at60, false},
                      {at80 + 3 * kMiB, size - at80 - 3 * kMiB, false},
                      {0, 2 * kMiB, true}});
}

bool SameBytes(const std::string& a, const std::string& b) {
  if (fs::file_size(a) != fs::file_size(b)) return false;
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  std::string ba(8 * kMiB, '\0'), bb(8 * kMiB, '\0');
  while (fa && fb) {
    fa.read(ba.data(), static_cast<std::streamsize>(ba.size()));
    fb.read(bb.data(), static_cast<std::streamsize>(bb.size()));
    if (fa.gcount() != fb.gcount() || ba.compare(0, fa.gcount(), bb, 0, fb.gcount()) != 0)
      return false;
  }
  return true;
}

class HugeFileTest : public ::testing::Test {
 protected:
  // Runs the CLI with its memory capped; prints its peak RSS (mapped files included).
  CliResult Dg(const std::vector<std::string>& args) {
    CliLaunch launch;
    launch.env = env_;
    launch.cwd = tmp_.path();
    launch.max_data_bytes = data_limit_;
    const auto start = std::chrono::steady_clock::now();
    CliResult result = CliProcess(args, launch).Wait();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("  %-4s %-40s %6.1f s, peak RSS %4llu MB (mapped reference included)\n",
                args[0].c_str(), args[1].c_str(), took.count(),
                static_cast<unsigned long long>(result.peak_rss_kb / 1024));
    return result;
  }

  // The stored bytes of `uri` (one file) as `ls --json` reports them.
  uint64_t StoredSize(const std::string& uri) {
    CliResult ls = Dg({"ls", uri, "--json"});
    EXPECT_EQ(ls.exit_code, 0) << ls.err;
    const auto entry = nlohmann::json::parse(ls.out.substr(0, ls.out.find('\n')));
    return entry.value("stored_size", uint64_t{0});
  }

  // Puts a backup and its second version into `prefix`, then reads the second
  // back with an empty cache (the reference rebuilt from the store). With
  // `gzip`, both are gzipped first (`gzip -6`, as `tar czf` does) and go through
  // the archive-aware codec (its far insert is 8 MiB: a quarter-size backup).
  void RoundTrip(const std::string& prefix, uint64_t size, bool gzip = false) {
    WriteBackup(tmp_.Sub("v1.tar"), size, 1);
    const uint64_t inserted = WriteSecondVersion(tmp_.Sub("v1.tar"), tmp_.Sub("v2.tar"), size,
                                                 gzip ? 8 * kMiB : 80 * kMiB);
    const std::string suffix = gzip ? ".tar.gz" : ".tar";
    if (gzip) {
      ASSERT_EQ(std::system(("gzip -6 " + tmp_.Sub("v1.tar") + " " + tmp_.Sub("v2.tar")).c_str()),
                0);
    }
    for (const std::string name : {"v1", "v2"}) {
      CliResult up = Dg({"cp", tmp_.Sub(name + suffix), prefix});
      ASSERT_EQ(up.exit_code, 0) << up.err;
    }
    const uint64_t stored = StoredSize(prefix + "v2" + suffix);
    EXPECT_GT(stored, inserted / 2);  // random bytes: the inserts cannot shrink
    EXPECT_LT(stored, inserted + 8 * kMiB) << "the second version is stored as its changes";
    fs::remove_all(env_["DG_CACHE_DIR"]);
    CliResult down = Dg({"cp", prefix + "v2" + suffix, tmp_.Sub("back")});
    ASSERT_EQ(down.exit_code, 0) << down.err;
    EXPECT_TRUE(SameBytes(tmp_.Sub("back"), tmp_.Sub("v2" + suffix)));
  }

  TempDir tmp_;
  std::map<std::string, std::string> env_;
  uint64_t data_limit_ = kMemoryLimit;
};

TEST_F(HugeFileTest, FileStoreRoundTripsInBoundedMemory) {
  env_["DG_CACHE_DIR"] = tmp_.Sub("cache");
  const std::string store = "file://" + tmp_.Sub("store");
  env_["AWS_ENDPOINT_URL"] = store;
  ASSERT_EQ(Dg({"mb", "s3://backups"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(RoundTrip("s3://backups/db/", HugeBytes()));

  // A third version killed mid-put leaves the store as it was.
  WriteEdited(tmp_.Sub("v2.tar"), tmp_.Sub("v3.tar"),
              {{0, 5 * kMiB, true}, {0, fs::file_size(tmp_.Sub("v2.tar")), false}});
  {
    CliLaunch launch;
    launch.env = env_;
    launch.cwd = tmp_.path();
    CliProcess put({"cp", tmp_.Sub("v3.tar"), "s3://backups/db/"}, launch);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    put.Kill();
    EXPECT_EQ(put.Wait().exit_code, 128 + SIGKILL);
  }
  CliResult ls = Dg({"ls", "s3://backups/db/"});
  EXPECT_EQ(ls.out.find("v3.tar"), std::string::npos) << ls.out;
  EXPECT_NE(ls.out.find("v2.tar"), std::string::npos) << ls.out;
  CliResult verify = Dg({"verify", "s3://backups/db/v1.tar"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

TEST_F(HugeFileTest, MotoRoundTripsInBoundedMemory) {
  auto moto = testing::EmptiedMotoServer();
  ASSERT_TRUE(moto.ok()) << moto.error().message;
  env_ = (*moto)->ClientEnvironment();
  env_["DG_CACHE_DIR"] = tmp_.Sub("cache");
  // One 32 MiB segment at a time: the process fits half the default cap.
  env_["DG_MEMORY_LIMIT"] = "160MiB";
  data_limit_ = 256 * kMiB;
  ASSERT_EQ(Dg({"mb", "s3://backups"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(RoundTrip("s3://backups/db/", HugeBytes() / 3));
}

// A .tar.gz backup (a quarter of the huge size inflated) goes through the
// gzip-patch codec's spooled path (payloads past a quarter of --memory-limit,
// here 256MiB, are held on disk, mapped) under a 256 MiB cap; its second
// version is stored as its changes (the codec finds them inflated).
TEST_F(HugeFileTest, TarGzBackupRoundTripsInBoundedMemory) {
  env_["DG_CACHE_DIR"] = tmp_.Sub("cache");
  env_["AWS_ENDPOINT_URL"] = "file://" + tmp_.Sub("store");
  env_["DG_MEMORY_LIMIT"] = "256MiB";
  data_limit_ = 256 * kMiB;
  ASSERT_EQ(Dg({"mb", "s3://backups"}).exit_code, 0);
  ASSERT_NO_FATAL_FAILURE(RoundTrip("s3://backups/db/", HugeBytes() / 4, true));
}

}  // namespace
}  // namespace deltaglider
