// DeltaService's S3-shaped operations on the three stores a front end can open:
// memory, a directory (file://) and a real S3 server (moto_server). One suite,
// three stores, as the ObjectStore conformance suite does for the port: what a
// gateway or SDK promises its clients must not depend on where the bucket lives.
// Without moto_server on PATH the S3 instance FAILS.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/hash.h"
#include "deltaglider/cache.h"
#include "deltaglider/client.h"
#include "deltaglider/codecs.h"
#include "deltaglider/files.h"
#include "deltaglider/filesystem.h"
#include "deltaglider/memory.h"
#include "deltaglider/s3.h"
#include "tests/testutil/fakes.h"
#include "tests/testutil/moto_server.h"
#include "tests/testutil/release_data.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

struct StoreKind {
  std::string name;
  std::function<Result<std::unique_ptr<Storage>>(const std::string& scratch_dir)> make;
};

void PrintTo(const StoreKind& kind, std::ostream* out) { *out << kind.name; }

std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param.name;
}

class ServiceConformance : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Storage>> storage = GetParam().make(scratch_.path());
    ASSERT_TRUE(storage.ok()) << storage.error().message;
    storage_ = std::move(*storage);
    ASSERT_TRUE(storage_->CreateBucket("dg-service").ok());
    Result<std::unique_ptr<ObjectStore>> store = storage_->OpenBucket("dg-service");
    ASSERT_TRUE(store.ok()) << store.error().message;
    raw_store_ = std::move(*store);
    store_ = std::make_unique<testing::CountingStore>(*raw_store_);
    codecs_.Add(NewZstdDeltaCodec({}));
    compressor_ = NewZstdDeltaCodec({.level = 9});
    cache_ = NewMemoryReferenceCache();
    Result<std::unique_ptr<Spool>> spool = NewDirectorySpool(scratch_.path());
    ASSERT_TRUE(spool.ok()) << spool.error().message;
    spool_ = std::move(*spool);
    service_ = MakeService(spool_.get());
  }

  std::unique_ptr<DeltaService> MakeService(Spool* spool, ServiceOptions options = {}) {
    ServicePorts ports{store_.get(), cache_.get(), &codecs_, compressor_.get(), &SystemClock()};
    ports.spool = spool;
    return std::make_unique<DeltaService>(ports, options);
  }

  Result<std::string> Get(const std::string& key) {
    VectorSink sink;
    Result<FileInfo> got = service_->Get(key, sink);
    if (!got.ok()) return got.error();
    return std::string(AsChars(sink.bytes()));
  }

  void Put(const std::string& key, const std::string& data) {
    SpanSource source(AsBytes(data));
    Result<PutResult> put = service_->Put(key, source, key.substr(key.rfind('/') + 1));
    ASSERT_TRUE(put.ok()) << put.error().message;
  }

  // A version of one archive: the first put makes a reference and a .delta.
  void PutRelease(const std::string& key, int version) {
    Put(key, testing::SyntheticRelease(version, 200000));
  }

  std::vector<std::string> Keys(ListRequest request, ListPage* page = nullptr) {
    std::vector<std::string> keys;
    Result<ListPage> listed = service_->List(request, [&](const ListedEntry& entry) {
      keys.push_back(entry.file.key);
      return OkStatus();
    });
    EXPECT_TRUE(listed.ok()) << listed.error().message;
    if (page != nullptr && listed.ok()) *page = *listed;
    return keys;
  }

  // Every page of `request` with `max_keys` joined; checks the pages' flags.
  std::vector<std::string> Paged(ListRequest request, uint64_t max_keys) {
    request.max_keys = max_keys;
    std::vector<std::string> all;
    for (int pages = 0; pages < 100; ++pages) {
      ListPage page;
      std::vector<std::string> keys = Keys(request, &page);
      EXPECT_LE(keys.size(), max_keys);
      EXPECT_EQ(page.entries, keys.size());
      all.insert(all.end(), keys.begin(), keys.end());
      if (!page.truncated) return all;
      EXPECT_EQ(keys.size(), max_keys);
      EXPECT_EQ(page.next_start_after, keys.back());
      request.start_after = page.next_start_after;
    }
    ADD_FAILURE() << "the listing never ended";
    return all;
  }

  static ListRequest Under(std::string prefix, std::string delimiter = "") {
    ListRequest request;
    request.prefix = std::move(prefix);
    request.delimiter = std::move(delimiter);
    return request;
  }

  testing::TempDir scratch_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ObjectStore> raw_store_;
  std::unique_ptr<testing::CountingStore> store_;
  CodecRegistry codecs_;
  std::unique_ptr<DeltaCodec> compressor_;
  std::unique_ptr<ReferenceCache> cache_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<DeltaService> service_;
};

std::string Md5(const std::string& data) {
  SpanSource source(AsBytes(data));
  return DigestOfSource(source).value().md5;
}

// A body that can be read once, in small pieces, with no size: a pipe.
class PipeSource final : public ByteSource {
 public:
  explicit PipeSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(std::span<std::byte> buffer) override {
    const size_t n = std::min({buffer.size(), data_.size() - at_, size_t{4096}});
    std::memcpy(buffer.data(), data_.data() + at_, n);
    at_ += n;
    return n;
  }
  Status Rewind() override { return MakeError(ErrorCode::kUnsupported, "a pipe cannot rewind"); }
  std::optional<uint64_t> size() const override { return std::nullopt; }

 private:
  std::string data_;
  size_t at_ = 0;
};

// "rel/app.tar" is stored as "rel/app.tar.delta", which S3 lists after
// "rel/app.tar 2.txt" and "rel/app.tar-1.txt" (' ' < '-' < '.').
TEST_P(ServiceConformance, ListIsInLogicalOrderAndPagesNeitherSkipNorRepeat) {
  PutRelease("rel/app.tar", 1);
  for (const char* key : {"rel/app.tar-1.txt", "rel/app.tar 2.txt", "rel/b.txt", "rel/sub/c.txt"}) {
    Put(key, key);
  }
  const std::vector<std::string> expected = {"rel/app.tar", "rel/app.tar 2.txt",
                                             "rel/app.tar-1.txt", "rel/b.txt", "rel/sub/c.txt"};
  EXPECT_EQ(Keys(Under("rel/")), expected);
  for (uint64_t max_keys = 1; max_keys <= 6; ++max_keys) {
    EXPECT_EQ(Paged(Under("rel/"), max_keys), expected) << "max_keys " << max_keys;
  }
  ListPage page;
  ListRequest exact = Under("rel/");
  exact.max_keys = 5;
  EXPECT_EQ(Keys(exact, &page).size(), 5u);
  EXPECT_FALSE(page.truncated);  // nothing follows: no empty last page
}

TEST_P(ServiceConformance, StartAfterIsALogicalKey) {
  PutRelease("rel/app.tar", 1);
  for (const char* key : {"rel/app.tar-1.txt", "rel/app.tar 2.txt", "rel/b.txt"}) Put(key, key);
  ListRequest request = Under("rel/");
  request.start_after = "rel/app.tar";
  EXPECT_EQ(Keys(request),
            (std::vector<std::string>{"rel/app.tar 2.txt", "rel/app.tar-1.txt", "rel/b.txt"}));
  request.start_after = "rel/app.tar 2.txt";  // the store lists "rel/app.tar.delta" after it
  EXPECT_EQ(Keys(request), (std::vector<std::string>{"rel/app.tar-1.txt", "rel/b.txt"}));
  request.start_after = "rel/a";
  EXPECT_EQ(Keys(request).size(), 4u);
  request.start_after = "rel/c";
  EXPECT_TRUE(Keys(request).empty());
}

TEST_P(ServiceConformance, DelimiterPagesCountPrefixesAndHideReferences) {
  PutRelease("d/z.tar", 1);
  for (const char* key : {"d/a.txt", "d/sub/x.txt", "d/sub2/y.txt"}) Put(key, key);
  const std::vector<std::string> expected = {"d/a.txt", "d/sub/", "d/sub2/", "d/z.tar"};
  EXPECT_EQ(Keys(Under("d/", "/")), expected);
  EXPECT_EQ(Paged(Under("d/", "/"), 2), expected);
  EXPECT_EQ(Paged(Under("d/", "/"), 3), expected);
  ListRequest after_prefix = Under("d/", "/");
  after_prefix.start_after = "d/sub/";  // a page that ended on a prefix goes on after it
  EXPECT_EQ(Keys(after_prefix), (std::vector<std::string>{"d/sub2/", "d/z.tar"}));
}

TEST_P(ServiceConformance, AFullPageStopsReadingTheStoreListing) {
  for (int i = 0; i < 40; ++i) Put("m/k-" + std::to_string(100 + i) + ".txt", "x");
  ListPage page;
  ListRequest request = Under("m/");
  request.max_keys = 5;
  EXPECT_EQ(Keys(request, &page).size(), 5u);
  EXPECT_TRUE(page.truncated);
  EXPECT_LE(store_->listed(), 7);  // the five, the one that shows more follow, little else
}

// 30 keys that S3 lists before "w/app.tar.delta" sort after its logical key: a
// page of 3 must not read (or hold) all of them to learn what comes first.
TEST_P(ServiceConformance, KeysWaitingOnADeltaAreLookedUpNotHeld) {
  PutRelease("w/app.tar", 1);
  std::vector<std::string> expected = {"w/app.tar"};
  for (int i = 0; i < 30; ++i) {
    expected.push_back("w/app.tar-" + std::to_string(100 + i) + ".txt");
    Put(expected.back(), "x");
  }
  const int listed_before = store_->listed();
  ListPage page;
  ListRequest request = Under("w/");
  request.max_keys = 3;
  EXPECT_EQ(Keys(request, &page),
            (std::vector<std::string>{"w/app.tar", "w/app.tar-100.txt", "w/app.tar-101.txt"}));
  EXPECT_TRUE(page.truncated);
  EXPECT_LE(store_->listed() - listed_before, 8);
  EXPECT_EQ(Paged(Under("w/"), 3), expected);
  EXPECT_EQ(Paged(Under("w/"), 7), expected);
  EXPECT_EQ(Keys(Under("w/")), expected);
}

TEST_P(ServiceConformance, ADeltaShadowedByADirectObjectIsListedOnce) {
  PutRelease("s/x.tar", 1);
  Put("s/x.tar-2.txt", "y");
  SpanSource plain(AsBytes("plain"));
  ASSERT_TRUE(raw_store_->Put("s/x.tar", plain, PutOptions{}).ok());
  std::vector<std::string> keys;
  std::vector<StoredAs> kinds;
  ASSERT_TRUE(service_
                  ->List("s/", true,
                         [&](const ListedEntry& entry) {
                           keys.push_back(entry.file.key);
                           kinds.push_back(entry.file.stored_as);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"s/x.tar", "s/x.tar-2.txt"}));
  EXPECT_EQ(kinds[0], StoredAs::kDirect);
  ListRequest request = Under("s/");
  request.max_keys = 1;
  EXPECT_EQ(Paged(request, 1), keys);
}

// A range of a delta, a direct and a plain object, in each of the three forms.
TEST_P(ServiceConformance, GetRangeReturnsExactlyTheRangeOfEveryKindOfFile) {
  const std::string v1 = testing::SyntheticRelease(1, 200000);
  const std::string v2 = testing::SyntheticRelease(2, 200000);
  Put("g/app-1.tar", v1);
  Put("g/app-2.tar", v2);
  Put("g/notes.txt", v2);
  SpanSource plain(AsBytes(v2));
  ASSERT_TRUE(raw_store_->Put("g/plain.bin", plain, PutOptions{}).ok());
  ASSERT_EQ(service_->Head("g/app-2.tar")->stored_as, StoredAs::kDelta);
  ASSERT_EQ(service_->Head("g/notes.txt")->stored_as, StoredAs::kDirect);
  for (const char* key : {"g/app-2.tar", "g/notes.txt", "g/plain.bin"}) {
    for (const char* header : {"bytes=0-0", "bytes=1000-70999", "bytes=199990-", "bytes=-17",
                               "bytes=150000-999999", "bytes=0-"}) {
      Result<ByteRange> range = ParseByteRange(header);
      ASSERT_TRUE(range.ok()) << header;
      VectorSink sink;
      Result<RangeRead> read = service_->GetRange(key, *range, sink);
      ASSERT_TRUE(read.ok()) << key << " " << header << ": " << read.error().message;
      EXPECT_EQ(read->file.size, v2.size()) << key;
      EXPECT_EQ(AsChars(sink.bytes()), v2.substr(read->offset, read->length))
          << key << " " << header;
      EXPECT_EQ(read->length, sink.bytes().size());
    }
    ByteRange past;
    past.first = v2.size();
    VectorSink sink;
    Result<RangeRead> refused = service_->GetRange(key, past, sink);
    EXPECT_EQ(refused.code(), ErrorCode::kOutOfRange) << key;
    EXPECT_TRUE(sink.bytes().empty());
  }
  ByteRange any;
  VectorSink sink;
  EXPECT_EQ(service_->GetRange("g/missing.tar", any, sink).code(), ErrorCode::kNotFound);
}

// A byte flipped far from the range still fails the ranged read: the delta is
// rebuilt whole and checked.
TEST_P(ServiceConformance, GetRangeOfADamagedDeltaIsCorrupted) {
  ServiceOptions one_level;  // no delta chains: app-2's change is in its delta object
  one_level.max_depth = 1;
  service_ = MakeService(spool_.get(), one_level);
  Put("h/app-1.tar", testing::SyntheticRelease(1, 200000));
  Put("h/app-2.tar", testing::SyntheticRelease(2, 200000));
  VectorSink delta;
  Result<ObjectHead> head = raw_store_->Get("h/app-2.tar.delta", delta);
  ASSERT_TRUE(head.ok()) << head.error().message;
  delta.bytes()[delta.bytes().size() / 2] ^= std::byte{0x01};
  PutOptions same;
  same.metadata = head->metadata;
  SpanSource damaged(delta.bytes());
  ASSERT_TRUE(raw_store_->Put("h/app-2.tar.delta", damaged, same).ok());
  ByteRange first_bytes;
  first_bytes.last = 9;
  VectorSink sink;
  Result<RangeRead> read = service_->GetRange("h/app-2.tar", first_bytes, sink);
  EXPECT_EQ(read.code(), ErrorCode::kCorrupted) << (read.ok() ? "ok" : read.error().message);

  // Streamed through a HoldbackSink, the damaged file never reaches its end.
  VectorSink client;
  HoldbackSink holdback(client);
  EXPECT_EQ(service_->Get("h/app-2.tar", holdback).code(), ErrorCode::kCorrupted);
  EXPECT_LE(client.bytes().size(), 200000u - 64 * 1024);
  VectorSink good;
  HoldbackSink released(good);
  ASSERT_TRUE(service_->Get("h/app-1.tar", released).ok());
  ASSERT_TRUE(released.Release().ok());
  EXPECT_EQ(AsChars(good.bytes()), testing::SyntheticRelease(1, 200000));
}

TEST_P(ServiceConformance, APipeIsReadOnceIntoTheSpoolAndStoredLikeAFile) {
  const std::string v1 = testing::SyntheticRelease(1, 300000);
  const std::string v2 = testing::SyntheticRelease(2, 300000);
  PipeSource first(v1);
  ASSERT_TRUE(service_->Put("p/app-1.tar", first, "app-1.tar").ok());
  PipeSource second(v2);
  Result<PutResult> put = service_->Put("p/app-2.tar", second, "app-2.tar");
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);
  EXPECT_LT(put->file.stored_size, v2.size() / 10);
  EXPECT_EQ(put->file.etag, Md5(v2));
  EXPECT_EQ(Get("p/app-2.tar").value(), v2);
  for (const auto& entry : std::filesystem::directory_iterator(scratch_.path())) {
    EXPECT_EQ(entry.path().filename(), "store") << "left in the spool directory";
  }

  std::unique_ptr<DeltaService> no_spool = MakeService(nullptr);
  PipeSource third(v2);
  EXPECT_EQ(no_spool->Put("p/app-3.tar", third, "app-3.tar").code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service_->Head("p/app-3.tar").code(), ErrorCode::kNotFound);
}

TEST_P(ServiceConformance, CopyStoresTheBytesUnderTheNewKeyWithTheChosenAttributes) {
  const std::string v1 = testing::SyntheticRelease(1, 200000);
  SpanSource body(AsBytes(v1));
  ObjectAttributes attributes;
  attributes.content_type = "application/x-tar";
  attributes.user_metadata = {{"build", "41"}};
  ASSERT_TRUE(service_->Put("c/app-1.tar", body, "app-1.tar", attributes).ok());

  Result<PutResult> kept = service_->Copy("c/app-1.tar", "c/app-copy.tar");
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(kept->file.stored_as, StoredAs::kDelta);  // the same group: a tiny delta
  EXPECT_LT(kept->file.stored_size, 1000u);
  EXPECT_EQ(Get("c/app-copy.tar").value(), v1);
  Result<FileInfo> head = service_->Head("c/app-copy.tar");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_type, "application/x-tar");
  EXPECT_EQ(head->user_metadata, (Metadata{{"build", "41"}}));
  EXPECT_EQ(head->etag, Md5(v1));

  CopyOptions replace;
  replace.replace_attributes = true;
  replace.attributes.user_metadata = {{"build", "42"}};
  Result<PutResult> moved = service_->Copy("c/app-1.tar", "elsewhere/app.tar", replace);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(Get("elsewhere/app.tar").value(), v1);
  head = service_->Head("elsewhere/app.tar");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_type, "application/octet-stream");
  EXPECT_EQ(head->user_metadata, (Metadata{{"build", "42"}}));
  EXPECT_EQ(Get("c/app-1.tar").value(), v1);  // the source stays

  Result<PutResult> missing = service_->Copy("c/none.tar", "c/x.tar");
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->Head("c/x.tar").code(), ErrorCode::kNotFound);
  EXPECT_EQ(MakeService(nullptr)->Copy("c/app-1.tar", "c/y.tar").code(),
            ErrorCode::kFailedPrecondition);
}

TEST_P(ServiceConformance, MigrateTurnsPlainObjectsIntoFilesAndLeavesTheRestAlone) {
  const std::string v1 = testing::SyntheticRelease(1, 200000);
  const std::string v2 = testing::SyntheticRelease(2, 200000);
  PutOptions typed;
  typed.content_type = "application/x-tar";
  for (const auto& [key, bytes] : {std::pair<std::string, std::string>{"old/app-1.tar", v1},
                                   {"old/app-2.tar", v2},
                                   {"old/readme.txt", "read me"}}) {
    SpanSource source(AsBytes(bytes));
    ASSERT_TRUE(raw_store_->Put(key, source, typed).ok()) << key;
  }
  Put("old/ours.tar", v1);
  using Outcome = MigrateResult::Outcome;
  auto outcome = [&](const std::string& from, const std::string& to, bool in_place = false,
                     bool dry_run = false) {
    MigrateOptions options;
    options.in_place = in_place;
    options.dry_run = dry_run;
    Result<MigrateResult> result = service_->MigrateFrom(*service_, from, to, options);
    EXPECT_TRUE(result.ok()) << from << ": " << result.error().message;
    return result.ok() ? result->outcome : Outcome::kInvalidKey;
  };
  EXPECT_EQ(outcome("old/app-1.tar", "new/app-1.tar", false, true), Outcome::kWouldMigrate);
  EXPECT_EQ(service_->Head("new/app-1.tar").code(), ErrorCode::kNotFound);
  EXPECT_EQ(outcome("old/app-1.tar", "new/app-1.tar"), Outcome::kMigrated);
  EXPECT_EQ(outcome("old/app-2.tar", "new/app-2.tar"), Outcome::kMigrated);
  EXPECT_EQ(outcome("old/app-1.tar", "new/app-1.tar"), Outcome::kAlreadyThere);
  EXPECT_EQ(outcome("old/ours.tar.delta", "new/ours.tar"), Outcome::kNotPlain);
  EXPECT_EQ(outcome("old/app-1.tar", "new/reference.bin"), Outcome::kInvalidKey);
  EXPECT_EQ(outcome("old/readme.txt", "old/readme.txt", true), Outcome::kNotArchive);
  EXPECT_EQ(Get("new/app-2.tar").value(), v2);
  Result<FileInfo> migrated = service_->Head("new/app-2.tar");
  ASSERT_TRUE(migrated.ok());
  EXPECT_EQ(migrated->stored_as, StoredAs::kDelta);
  EXPECT_EQ(migrated->content_type, "application/x-tar");
  EXPECT_EQ(Get("old/app-1.tar").value(), v1);  // a copy never deletes its source

  EXPECT_EQ(outcome("old/app-2.tar", "old/app-2.tar", true), Outcome::kMigrated);  // in place
  Result<FileInfo> in_place = service_->Head("old/app-2.tar");
  ASSERT_TRUE(in_place.ok());
  EXPECT_NE(in_place->stored_as, StoredAs::kPlain);
  EXPECT_EQ(Get("old/app-2.tar").value(), v2);
  EXPECT_EQ(service_->MigrateFrom(*service_, "old/none.tar", "new/none.tar", {}).code(),
            ErrorCode::kNotFound);
}

TEST_P(ServiceConformance, DeleteManyRemovesEachFileAndSaysWhichWereMissing) {
  PutRelease("d/app-1.tar", 1);
  PutRelease("d/app-2.tar", 2);
  Put("d/notes.txt", "notes");
  const std::vector<std::string> keys = {"d/app-2.tar", "d/missing.tar", "d/notes.txt"};
  std::vector<Result<FileInfo>> results = service_->DeleteMany(keys);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].ok()) << results[0].error().message;
  EXPECT_EQ(results[0]->stored_as, StoredAs::kDelta);
  EXPECT_EQ(results[1].code(), ErrorCode::kNotFound);
  ASSERT_TRUE(results[2].ok()) << results[2].error().message;
  EXPECT_EQ(Keys(Under("d/")), (std::vector<std::string>{"d/app-1.tar"}));
  EXPECT_EQ(Get("d/app-1.tar").value(),
            testing::SyntheticRelease(1, 200000));  // its reference stays
  EXPECT_TRUE(service_->DeleteMany({}).empty());
}

// Progress is heard through the body and the sink; an error from the observer
// cancels: a cancelled put stores nothing, a cancelled get returns that error.
TEST_P(ServiceConformance, ObservedStreamsReportProgressAndCancel) {
  const std::string v1 = testing::SyntheticRelease(1, 300000);
  SpanSource body(AsBytes(v1));
  uint64_t seen = 0;
  ObservedSource watched(body, [&](uint64_t done, std::optional<uint64_t> total) {
    EXPECT_EQ(total, v1.size());
    seen = std::max(seen, done);
    return OkStatus();
  });
  ASSERT_TRUE(service_->Put("o/app-1.tar", watched, "app-1.tar").ok());
  EXPECT_EQ(seen, v1.size());

  const std::string v2 = testing::SyntheticRelease(2, 300000);
  SpanSource second(AsBytes(v2));
  ObservedSource cancelled(second, [](uint64_t done, std::optional<uint64_t>) {
    return done > 100000 ? MakeError(ErrorCode::kUnavailable, "cancelled by the caller")
                         : OkStatus();
  });
  Result<PutResult> put = service_->Put("o/app-2.tar", cancelled, "app-2.tar");
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("cancelled by the caller"), std::string::npos);
  EXPECT_EQ(service_->Head("o/app-2.tar").code(), ErrorCode::kNotFound);
  EXPECT_EQ(Keys(Under("o/")), (std::vector<std::string>{"o/app-1.tar"}));

  VectorSink out;
  ObservedSink stopping(out, [](uint64_t done, std::optional<uint64_t>) {
    return done > 0 ? MakeError(ErrorCode::kUnavailable, "client went away") : OkStatus();
  });
  Result<FileInfo> got = service_->Get("o/app-1.tar", stopping);
  EXPECT_EQ(got.code(), ErrorCode::kUnavailable);
  EXPECT_NE(got.error().message.find("client went away"), std::string::npos);
}

// The phases a put and a get go through, each named once in the order first heard.
class PhaseLog {
 public:
  PhaseObserver Observer() {
    return [this](TransferPhase phase, uint64_t done, std::optional<uint64_t> total) {
      if (phases_.empty() || phases_.back() != phase) phases_.push_back(phase);
      last_done_ = done;
      last_total_ = total;
      return phase == cancel_in_ ? MakeError(ErrorCode::kUnavailable, "cancelled") : OkStatus();
    };
  }
  std::vector<TransferPhase> phases_;
  uint64_t last_done_ = 0;
  std::optional<uint64_t> last_total_;
  std::optional<TransferPhase> cancel_in_;
};

TEST_P(ServiceConformance, PhaseObserverHearsEachStepOfPutAndGet) {
  using enum TransferPhase;
  const std::string v1 = testing::SyntheticRelease(1, 300000);
  const std::string v2 = testing::SyntheticRelease(2, 300000);
  PhaseLog first;
  SpanSource body1(AsBytes(v1));
  ASSERT_TRUE(service_->Put("p/app-1.tar", body1, "app-1.tar", {}, first.Observer()).ok());
  // The first version is its group's reference: its delta is empty, nothing to encode.
  EXPECT_EQ(first.phases_, (std::vector<TransferPhase>{kHashing, kStoringReference}));

  PhaseLog second;
  SpanSource body2(AsBytes(v2));
  ASSERT_TRUE(service_->Put("p/app-2.tar", body2, "app-2.tar", {}, second.Observer()).ok());
  EXPECT_EQ(second.phases_, (std::vector<TransferPhase>{kHashing, kEncoding, kChecking}));
  EXPECT_EQ(second.last_done_, v2.size());
  EXPECT_EQ(second.last_total_, v2.size());

  PhaseLog direct;
  SpanSource notes(AsBytes(v1));
  ASSERT_TRUE(service_->Put("p/notes.txt", notes, "notes.txt", {}, direct.Observer()).ok());
  EXPECT_EQ(direct.phases_, (std::vector<TransferPhase>{kHashing, kUploading}));

  // A get on a machine without the reference downloads it, then rebuilds.
  cache_ = NewMemoryReferenceCache();
  service_ = MakeService(spool_.get());
  PhaseLog get;
  VectorSink out;
  ASSERT_TRUE(service_->Get("p/app-2.tar", out, get.Observer()).ok());
  EXPECT_EQ(get.phases_, (std::vector<TransferPhase>{kFetchingReference, kRebuilding}));
  EXPECT_EQ(get.last_done_, v2.size());
  EXPECT_EQ(get.last_total_, v2.size());
  EXPECT_EQ(AsChars(out.bytes()), v2);

  // The observer cancels: nothing is stored.
  PhaseLog cancelling;
  cancelling.cancel_in_ = kEncoding;
  const std::string v3 = testing::SyntheticRelease(3, 300000);
  SpanSource body3(AsBytes(v3));
  Result<PutResult> put =
      service_->Put("p/app-3.tar", body3, "app-3.tar", {}, cancelling.Observer());
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(service_->Head("p/app-3.tar").code(), ErrorCode::kNotFound);
  EXPECT_EQ(TransferPhaseName(kFetchingReference), "fetching reference");
}

INSTANTIATE_TEST_SUITE_P(
    Stores, ServiceConformance,
    ::testing::Values(StoreKind{"memory",
                                [](const std::string&) -> Result<std::unique_ptr<Storage>> {
                                  return NewMemoryStorage();
                                }},
                      StoreKind{"filesystem",
                                [](const std::string& scratch) {
                                  return NewFilesystemStorage(scratch + "/store");
                                }},
                      StoreKind{"s3_moto",
                                [](const std::string&) -> Result<std::unique_ptr<Storage>> {
                                  DG_ASSIGN_OR_RETURN(testing::MotoServer * moto,
                                                      testing::EmptiedMotoServer());
                                  return NewS3Storage(moto->ClientConfig());
                                }}),
    StoreKindName);

}  // namespace
}  // namespace deltaglider
