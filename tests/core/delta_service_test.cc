// DeltaService on the in-memory store, the memory reference cache and the real
// zstd codec: the bucket format, integrity checks and the failure paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include "core/hash.h"
#include "core/metadata.h"
#include "deltaglider/cache.h"
#include "deltaglider/client.h"
#include "deltaglider/codecs.h"
#include "deltaglider/memory.h"
#include "tests/testutil/fakes.h"
#include "tests/testutil/release_data.h"

namespace deltaglider {
namespace {

using testing::CountingStore;
using testing::FixedClock;

using testing::RandomBytes;

std::string Release(int version) { return testing::SyntheticRelease(version, 300000); }

ServiceOptions NoRotation() {
  ServiceOptions options;
  options.rotate_references = false;
  return options;
}
// Every file one delta against a reference stored whole (no delta chains): the
// layout these tests check object by object.
ServiceOptions OneLevel() {
  ServiceOptions options;
  options.max_depth = 1;
  return options;
}
ServiceOptions NoFamilies() {
  ServiceOptions options;
  options.families = false;
  return options;
}
ServiceOptions Pinned(std::string deltaspace) {
  ServiceOptions options;
  options.deltaspace = std::move(deltaspace);
  return options;
}

class DeltaServiceTest : public ::testing::Test {
 protected:
  DeltaServiceTest() : clock_(TimePoint(std::chrono::seconds(1764053515))) {
    storage_ = NewMemoryStorage();
    EXPECT_TRUE(storage_->CreateBucket("bkt").ok());
    raw_store_ = std::move(storage_->OpenBucket("bkt")).value();
    store_ = std::make_unique<CountingStore>(*raw_store_);
    codecs_.Add(NewZstdDeltaCodec({}));
    compressor_ = NewZstdDeltaCodec({.level = 9});
    cache_ = NewMemoryReferenceCache();
    service_ = MakeService(*cache_);
  }

  std::unique_ptr<DeltaService> MakeService(ReferenceCache& cache, ServiceOptions options = {}) {
    ServicePorts ports{store_.get(), &cache, &codecs_, compressor_.get(), &clock_};
    return std::make_unique<DeltaService>(ports, options);
  }

  Result<PutResult> Put(const std::string& key, const std::string& data) {
    SpanSource source(AsBytes(data));
    return service_->Put(key, source, std::string(key.substr(key.rfind('/') + 1)));
  }

  Result<std::string> Get(const std::string& key, DeltaService* service = nullptr) {
    VectorSink sink;
    auto info = (service ? service : service_.get())->Get(key, sink);
    if (!info.ok()) return info.error();
    return std::string(AsChars(sink.bytes()));
  }

  void PutRaw(const std::string& key, const std::string& data, const Metadata& metadata) {
    SpanSource source(AsBytes(data));
    PutOptions options;
    options.metadata = metadata;
    ASSERT_TRUE(raw_store_->Put(key, source, options).ok());
  }

  std::string GetRaw(const std::string& key) {
    VectorSink sink;
    EXPECT_TRUE(raw_store_->Get(key, sink).ok()) << key;
    return std::string(AsChars(sink.bytes()));
  }

  Metadata HeadRaw(const std::string& key) {
    auto head = raw_store_->Head(key);
    EXPECT_TRUE(head.ok()) << key;
    return head.ok() ? head->metadata : Metadata{};
  }

  std::vector<std::string> Keys(const Metadata& m) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : m) keys.push_back(k);
    return keys;
  }

  FixedClock clock_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ObjectStore> raw_store_;
  std::unique_ptr<CountingStore> store_;
  CodecRegistry codecs_;
  std::unique_ptr<DeltaCodec> compressor_;
  std::unique_ptr<ReferenceCache> cache_;
  std::unique_ptr<DeltaService> service_;
};

TEST_F(DeltaServiceTest, FirstArchiveCreatesReferenceAndZeroDiffDelta) {
  const std::string v1 = Release(1);
  auto put = Put("rel/app-1.zip", v1);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_TRUE(put->created_reference);
  EXPECT_EQ(put->reference_key, "rel/reference.bin");
  EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);
  EXPECT_EQ(put->file.stored_key, "rel/app-1.zip.delta");
  EXPECT_LT(put->file.stored_size, 200u);
  EXPECT_EQ(put->file.note, kZeroDiffNote);

  Metadata ref = HeadRaw("rel/reference.bin");
  EXPECT_EQ(ref.at("dg-note"), "reference");
  EXPECT_EQ(ref.at("dg-source-name"), "app-1.zip");
  EXPECT_EQ(ref.at("dg-file-sha256"), Sha256Hex(AsBytes(v1)));
  EXPECT_EQ(ref.at("dg-tool"), "deltaglider-cpp/" + std::string(Version()));
  EXPECT_EQ(ref.at("dg-created-at"), "2025-11-25T06:51:55.000000Z");

  Metadata delta = HeadRaw("rel/app-1.zip.delta");
  // The Python tool's fields, and the ETag (ours; it ignores fields it does not know).
  EXPECT_EQ(Keys(delta), (std::vector<std::string>{"dg-created-at", "dg-delta-cmd", "dg-delta-size",
                                                   "dg-etag", "dg-file-sha256", "dg-file-size",
                                                   "dg-note", "dg-original-name", "dg-ref-key",
                                                   "dg-ref-sha256", "dg-tool"}));
  EXPECT_EQ(delta.at("dg-ref-key"), "rel/reference.bin");
  EXPECT_EQ(delta.at("dg-ref-sha256"), ref.at("dg-file-sha256"));
  EXPECT_EQ(delta.at("dg-file-size"), std::to_string(v1.size()));
  EXPECT_EQ(delta.at("dg-delta-size"), std::to_string(GetRaw("rel/app-1.zip.delta").size()));
  EXPECT_EQ(delta.at("dg-delta-cmd").substr(0, 10), "zstd-patch");
  EXPECT_EQ(*Get("rel/app-1.zip"), v1);
}

TEST_F(DeltaServiceTest, CompressibleReferenceIsStoredCompressed) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i % 97) + " of a release\n";
  ASSERT_TRUE(Put("t/a.tar", text).ok());
  Metadata ref = HeadRaw("t/reference.bin");
  EXPECT_EQ(ref.at("dg-compression"), "zstd");
  EXPECT_LT(GetRaw("t/reference.bin").size(), text.size() / 10);
  // A fresh cache must decompress it from the bucket.
  auto fresh = NewMemoryReferenceCache();
  auto service = MakeService(*fresh);
  EXPECT_EQ(*Get("t/a.tar", service.get()), text);
}

// A compressor with a bug: its output is zstd's with one byte of the frame
// changed, so it never decodes to what it was given.
class DamagingCompressor final : public DeltaCodec {
 public:
  std::string_view name() const override { return inner_->name(); }
  std::string CommandLine(std::string_view target) const override {
    return inner_->CommandLine(target);
  }
  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    VectorSink made;
    DG_RETURN_IF_ERROR(inner_->Encode(reference, target, made));
    made.bytes()[made.bytes().size() / 2] ^= std::byte{0x20};
    return delta.Write(made.bytes());
  }
  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    return inner_->Decode(reference, delta, target);
  }

 private:
  std::unique_ptr<DeltaCodec> inner_ = NewZstdDeltaCodec({.level = 9});
};

TEST_F(DeltaServiceTest, AReferenceWhoseCompressionDoesNotReadBackIsStoredRaw) {
  compressor_ = std::make_unique<DamagingCompressor>();
  service_ = MakeService(*cache_);
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i % 97) + " of a release\n";
  ASSERT_TRUE(Put("t/a.tar", text).ok());
  EXPECT_EQ(HeadRaw("t/reference.bin").count("dg-compression"), 0u);
  EXPECT_EQ(GetRaw("t/reference.bin"), text);
  auto fresh = NewMemoryReferenceCache();
  auto service = MakeService(*fresh);
  EXPECT_EQ(*Get("t/a.tar", service.get()), text);
}

TEST_F(DeltaServiceTest, LaterVersionsAreSmallDeltasAndReadBack) {
  service_ = MakeService(*cache_, OneLevel());
  for (int v = 1; v <= 4; ++v) {
    auto put = Put("rel/app-" + std::to_string(v) + ".zip", Release(v));
    ASSERT_TRUE(put.ok()) << put.error().message;
    EXPECT_EQ(put->created_reference, v == 1);
    EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);
    EXPECT_LT(put->file.stored_size, 5000u) << v;
  }
  for (int v = 1; v <= 4; ++v) EXPECT_EQ(*Get("rel/app-" + std::to_string(v) + ".zip"), Release(v));
}

TEST_F(DeltaServiceTest, ReferenceIsFetchedOncePerCache) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  auto fresh = NewMemoryReferenceCache();
  auto service = MakeService(*fresh);
  ASSERT_TRUE(Get("rel/a-1.zip", service.get()).ok());
  ASSERT_TRUE(Get("rel/a-2.zip", service.get()).ok());
  EXPECT_EQ(store_->gets("rel/reference.bin"), 1);
}

TEST_F(DeltaServiceTest, NonArchiveIsStoredDirectWithUpstreamMetadataShape) {
  auto put = Put("rel/notes.txt", "hello");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->file.stored_as, StoredAs::kDirect);
  EXPECT_EQ(GetRaw("rel/notes.txt"), "hello");
  EXPECT_EQ(
      Keys(HeadRaw("rel/notes.txt")),
      (std::vector<std::string>{"dg-compression", "dg-created-at", "dg-etag", "dg-file-sha256",
                                "dg-file-size", "dg-original-name", "dg-tool"}));
  EXPECT_EQ(*Get("rel/notes.txt"), "hello");
}

TEST_F(DeltaServiceTest, UnrelatedArchiveOverMaxRatioBecomesANewReference) {
  service_ = MakeService(*cache_, OneLevel());
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  const std::string other = RandomBytes(100000, 7);
  auto put = Put("rel/other.zip", other);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);
  EXPECT_TRUE(put->created_reference);
  EXPECT_EQ(put->reference_key, "rel/.dg-refs/other.zip/1/reference.bin");
  EXPECT_EQ(put->file.note, kZeroDiffNote);
  EXPECT_EQ(*Get("rel/other.zip"), other);
  // The next version of "other" deltas against its own reference, and the
  // deltaspace's first reference still serves the a-*.zip series.
  std::string other2 = other;
  other2[500] ^= 0x55;
  auto second = Put("rel/other-2.zip", other2);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created_reference);
  EXPECT_EQ(second->file.ref_key, "rel/.dg-refs/other.zip/1/reference.bin");
  EXPECT_LT(second->file.stored_size, 1000u);
  EXPECT_EQ(Put("rel/a-2.zip", Release(2))->file.ref_key, "rel/reference.bin");
  EXPECT_EQ(*Get("rel/other-2.zip"), other2);
  // Listings hide the reference directories.
  std::vector<std::string> listed;
  ASSERT_TRUE(service_->List("rel/", false, [&](const ListedEntry& entry) {
    listed.push_back(entry.file.key);
    return OkStatus();
  }).ok());
  EXPECT_EQ(listed, (std::vector<std::string>{"rel/a-1.zip", "rel/a-2.zip", "rel/other-2.zip",
                                              "rel/other.zip"}));
}

TEST_F(DeltaServiceTest, WithoutRotationAnUnrelatedArchiveIsStoredDirectWithNote) {
  auto service = MakeService(*cache_, NoRotation());
  const std::string v1 = Release(1);
  SpanSource first(AsBytes(v1));
  ASSERT_TRUE(service->Put("rel/a-1.zip", first, "a-1.zip").ok());
  const std::string other = RandomBytes(100000, 7);
  SpanSource source(AsBytes(other));
  auto put = service->Put("rel/other.zip", source, "other.zip");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->file.stored_as, StoredAs::kDirect);
  EXPECT_NE(put->file.note.find("max-ratio"), std::string::npos);
  EXPECT_EQ(HeadRaw("rel/other.zip").at("dg-note"), put->file.note);
  EXPECT_FALSE(raw_store_->Head("rel/other.zip.delta").ok());
  EXPECT_EQ(*Get("rel/other.zip"), other);
}

TEST_F(DeltaServiceTest, RewritingSwitchesRepresentationWithoutLeavingTheOldOne) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/b.txt", "plain text").ok());  // direct
  ASSERT_TRUE(Put("rel/b.zip", "now an archive").ok());
  ASSERT_TRUE(Put("rel/b.zip", Release(2)).ok());  // a delta over a delta
  EXPECT_EQ(*Get("rel/b.zip"), Release(2));
  auto service = MakeService(*cache_, NoRotation());
  const std::string noise = RandomBytes(50000, 10);
  SpanSource random(AsBytes(noise));
  ASSERT_TRUE(service->Put("rel/b.zip", random, "b.zip").ok());  // direct now
  EXPECT_EQ(raw_store_->Head("rel/b.zip.delta").code(), ErrorCode::kNotFound);
  EXPECT_EQ(*Get("rel/b.zip"), RandomBytes(50000, 10));
  ASSERT_TRUE(Put("rel/b.zip", Release(3)).ok());  // a delta again
  EXPECT_EQ(raw_store_->Head("rel/b.zip").code(), ErrorCode::kNotFound);
  EXPECT_EQ(*Get("rel/b.zip"), Release(3));
}

TEST_F(DeltaServiceTest, VersionsInTheirOwnDirectoriesShareTheirFamilysReference) {
  service_ = MakeService(*cache_, OneLevel());
  for (int v = 1; v <= 4; ++v) {
    const std::string key = "releases/v1.0." + std::to_string(v) + "/app-1.0." +
                            std::to_string(v) + ".zip";
    auto put = Put(key, Release(v));
    ASSERT_TRUE(put.ok()) << put.error().message;
    EXPECT_EQ(put->created_reference, v == 1);
    EXPECT_EQ(put->file.ref_key, "releases/.dg-family/app.zip/1/reference.bin");
    if (v > 1) {
      EXPECT_LT(put->file.stored_size, 2000u);
    }
  }
  for (int v = 1; v <= 4; ++v) {
    EXPECT_EQ(*Get("releases/v1.0." + std::to_string(v) + "/app-1.0." + std::to_string(v) + ".zip"),
              Release(v));
  }
  // Another artifact of the same releases is another family.
  EXPECT_EQ(Put("releases/v1.0.1/docs-1.0.1.zip", RandomBytes(1000, 3))->file.ref_key,
            "releases/.dg-family/docs.zip/1/reference.bin");
  std::vector<std::string> top;
  ASSERT_TRUE(service_->List("releases/", false, [&](const ListedEntry& entry) {
    top.push_back(entry.file.key);
    return OkStatus();
  }).ok());
  EXPECT_EQ(top, (std::vector<std::string>{"releases/v1.0.1/", "releases/v1.0.2/",
                                           "releases/v1.0.3/", "releases/v1.0.4/"}));
  EXPECT_EQ(Put("releases/.dg-family/x.zip", "x").code(), ErrorCode::kInvalidArgument);
}

TEST_F(DeltaServiceTest, FamiliesFollowThePythonLayoutAndTheSwitches) {
  // A version directory that already has its own reference keeps using it.
  PutRaw("releases/v1/reference.bin", Release(1),
         {{"dg-file-sha256", Sha256Hex(AsBytes(Release(1)))}, {"dg-note", "reference"}});
  EXPECT_EQ(Put("releases/v1/app-1.zip", Release(1))->file.ref_key, "releases/v1/reference.bin");
  auto plain = MakeService(*cache_, NoFamilies());
  const std::string release2 = Release(2);
  SpanSource v2(AsBytes(release2));
  EXPECT_EQ(plain->Put("releases/v2/app-2.zip", v2, "app-2.zip")->file.ref_key,
            "releases/v2/reference.bin");
  auto pinned = MakeService(*cache_, Pinned("releases/all/"));
  const std::string release3 = Release(3);
  SpanSource v3(AsBytes(release3));
  EXPECT_EQ(pinned->Put("releases/v3/app-3.zip", v3, "app-3.zip")->file.ref_key,
            "releases/all/reference.bin");
  EXPECT_EQ(*Get("releases/v3/app-3.zip"), Release(3));
}

// What a scheduler keys the first-put-alone rule on: versions in their own
// directories are one family group, unless families are off or a deltaspace is pinned.
TEST_F(DeltaServiceTest, ReferenceGroupOfFollowsFamiliesAndTheSwitches) {
  EXPECT_EQ(service_->ReferenceGroupOf("releases/v1.0/app-1.0.zip"),
            service_->ReferenceGroupOf("releases/v2.0/app-2.0.zip"));
  EXPECT_EQ(service_->ReferenceGroupOf("app/app-1.zip"),
            service_->ReferenceGroupOf("app/app-2.zip"));
  EXPECT_NE(service_->ReferenceGroupOf("app/app-1.zip"),
            service_->ReferenceGroupOf("lib/app-1.zip"));
  EXPECT_EQ(service_->ReferenceGroupOf("app/notes.txt"), "");
  auto plain = MakeService(*cache_, NoFamilies());
  EXPECT_NE(plain->ReferenceGroupOf("releases/v1.0/app-1.0.zip"),
            plain->ReferenceGroupOf("releases/v2.0/app-2.0.zip"));
  auto pinned = MakeService(*cache_, Pinned("releases/all/"));
  EXPECT_EQ(pinned->ReferenceGroupOf("releases/v1.0/app-1.0.zip"),
            pinned->ReferenceGroupOf("other/v2/app-2.zip"));
  EXPECT_TRUE(pinned->ReferenceGroupOf("other/x.tar").starts_with("releases/all/"));
}

TEST_F(DeltaServiceTest, DriftingContentRotatesReferencesAndEveryVersionReadsBack) {
  // Each version replaces a growing share of the first one: after a while a
  // delta against the first reference is over max-ratio and a new one is made.
  const std::string base = RandomBytes(200000, 1);
  std::vector<std::string> versions;
  for (int v = 0; v < 6; ++v) {
    std::string data = base;
    const std::string fresh = RandomBytes(40000 * v, 100 + v);
    std::copy(fresh.begin(), fresh.end(), data.begin());
    versions.push_back(data);
  }
  std::set<std::string> references;
  for (int v = 0; v < 6; ++v) {
    auto put = Put("drift/v" + std::to_string(v) + "/tool-" + std::to_string(v) + ".tar",
                   versions[v]);
    ASSERT_TRUE(put.ok()) << put.error().message;
    EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);
    EXPECT_LE(put->file.stored_size, versions[v].size() / 2);
    references.insert(put->file.ref_key);
  }
  EXPECT_GT(references.size(), 1u);
  EXPECT_TRUE(references.contains("drift/.dg-family/tool.tar/2/reference.bin"));
  for (int v = 0; v < 6; ++v) {
    EXPECT_EQ(*Get("drift/v" + std::to_string(v) + "/tool-" + std::to_string(v) + ".tar"),
              versions[v]);
  }
}

TEST_F(DeltaServiceTest, PlainObjectsAreReturnedAsTheyAre) {
  PutRaw("old/data.zip", "bytes from before", {});
  auto head = service_->Head("old/data.zip");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->stored_as, StoredAs::kPlain);
  EXPECT_EQ(head->created_at, raw_store_->Head("old/data.zip")->last_modified);  // no dg-created-at
  EXPECT_NE(head->created_at, TimePoint{});
  EXPECT_EQ(*Get("old/data.zip"), "bytes from before");
}

TEST_F(DeltaServiceTest, RootDeltaspaceUsesBareReferenceKey) {
  ASSERT_TRUE(Put("app-1.zip", Release(1)).ok());
  EXPECT_EQ(HeadRaw("app-1.zip.delta").at("dg-ref-key"), "reference.bin");
  EXPECT_EQ(*Get("app-1.zip"), Release(1));
}

TEST_F(DeltaServiceTest, FlippedByteInDeltaIsAnIntegrityError) {
  service_ = MakeService(*cache_, OneLevel());
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  std::string delta = GetRaw("rel/a-2.zip.delta");
  delta[delta.size() / 2] ^= 0x01;
  PutRaw("rel/a-2.zip.delta", delta, HeadRaw("rel/a-2.zip.delta"));
  auto got = Get("rel/a-2.zip");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kCorrupted);
  EXPECT_NE(got.error().message.find("s3://bkt/rel/a-2.zip.delta"), std::string::npos)
      << got.error().message;
}

TEST_F(DeltaServiceTest, TruncatedDeltaIsAnIntegrityError) {
  service_ = MakeService(*cache_, OneLevel());
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  std::string delta = GetRaw("rel/a-2.zip.delta");
  PutRaw("rel/a-2.zip.delta", delta.substr(0, delta.size() - 10), HeadRaw("rel/a-2.zip.delta"));
  EXPECT_EQ(Get("rel/a-2.zip").code(), ErrorCode::kCorrupted);
  Metadata m = HeadRaw("rel/a-2.zip.delta");
  m.erase("dg-delta-size");  // without the size hint the codec must catch it
  PutRaw("rel/a-2.zip.delta", delta.substr(0, delta.size() - 10), m);
  EXPECT_EQ(Get("rel/a-2.zip").code(), ErrorCode::kCorrupted);
}

TEST_F(DeltaServiceTest, FlippedByteInReferenceIsAnIntegrityErrorNamingIt) {
  ServiceOptions raw_refs;
  raw_refs.compress_references = false;
  service_ = MakeService(*cache_, raw_refs);
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  std::string ref = GetRaw("rel/reference.bin");
  ref[1000] ^= 0x40;
  PutRaw("rel/reference.bin", ref, HeadRaw("rel/reference.bin"));
  auto fresh = NewMemoryReferenceCache();
  auto service = MakeService(*fresh);
  auto got = Get("rel/a-2.zip", service.get());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kCorrupted);
  EXPECT_NE(got.error().message.find("reference s3://bkt/rel/reference.bin"), std::string::npos)
      << got.error().message;
}

TEST_F(DeltaServiceTest, MissingReferenceIsNamed) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  ASSERT_TRUE(raw_store_->Delete("rel/reference.bin").ok());
  // Even with the reference still in the cache, verify reports it gone from the bucket.
  auto verified = service_->Verify("rel/a-2.zip");
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.error().message.find("rel/reference.bin"), std::string::npos);
  auto fresh = NewMemoryReferenceCache();
  auto service = MakeService(*fresh);
  auto got = Get("rel/a-2.zip", service.get());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kNotFound);
  EXPECT_NE(got.error().message.find("reference s3://bkt/rel/reference.bin is missing"),
            std::string::npos)
      << got.error().message;
}

TEST_F(DeltaServiceTest, UnknownCodecIsNamed) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  Metadata m = HeadRaw("rel/a-1.zip.delta");
  m["dg-delta-cmd"] = "bsdiff4 x y";
  PutRaw("rel/a-1.zip.delta", GetRaw("rel/a-1.zip.delta"), m);
  auto got = Get("rel/a-1.zip");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kUnsupported);
  EXPECT_NE(got.error().message.find("bsdiff4"), std::string::npos) << got.error().message;
}

TEST_F(DeltaServiceTest, MissingKeyAndBucket) {
  auto got = Get("nope.zip");
  EXPECT_EQ(got.code(), ErrorCode::kNotFound);
  EXPECT_NE(got.error().message.find("s3://bkt/nope.zip"), std::string::npos);
  auto other = std::move(storage_->OpenBucket("missing-bucket")).value();
  ServicePorts ports{other.get(), cache_.get(), &codecs_, compressor_.get(), &clock_};
  DeltaService service(ports, {});
  VectorSink sink;
  auto result = service.Get("a.zip", sink);
  EXPECT_EQ(result.code(), ErrorCode::kBucketNotFound);
  EXPECT_NE(result.error().message.find("bucket"), std::string::npos) << result.error().message;
}

TEST_F(DeltaServiceTest, ReadsLegacyUnderscoreMetadata) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  Metadata legacy;
  for (const auto& [k, v] : HeadRaw("rel/a-2.zip.delta")) {
    std::string bare = k.substr(3);
    for (char& c : bare) c = c == '-' ? '_' : c;
    legacy[bare] = v;
  }
  PutRaw("rel/a-2.zip.delta", GetRaw("rel/a-2.zip.delta"), legacy);
  EXPECT_EQ(*Get("rel/a-2.zip"), Release(2));
}

TEST_F(DeltaServiceTest, ListShowsLogicalFilesAndHidesReferences) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  ASSERT_TRUE(Put("rel/sub/x.txt", "x").ok());
  ASSERT_TRUE(Put("top.txt", "t").ok());
  std::vector<std::string> rows;
  ASSERT_TRUE(service_->List("rel/", false, [&](const ListedEntry& e) {
    rows.push_back((e.is_prefix ? "PRE " : "") + e.file.key + " " + std::to_string(e.file.size));
    return OkStatus();
  }).ok());
  const std::string n = std::to_string(Release(1).size());
  EXPECT_EQ(rows, (std::vector<std::string>{"rel/a-1.zip " + n, "rel/a-2.zip " + n, "PRE rel/sub/ 0"}));
  rows.clear();
  ASSERT_TRUE(service_->List("", true, [&](const ListedEntry& e) {
    rows.push_back(e.file.key);
    return OkStatus();
  }).ok());
  EXPECT_EQ(rows, (std::vector<std::string>{"rel/a-1.zip", "rel/a-2.zip", "rel/sub/x.txt", "top.txt"}));
}

// A rewindable source that gives no second reader, as a pipe spooled to memory.
class OneReader final : public ByteSource {
 public:
  explicit OneReader(ByteSource& inner) : inner_(inner) {}
  Result<size_t> Read(std::span<std::byte> buffer) override { return inner_.Read(buffer); }
  Status Rewind() override { return inner_.Rewind(); }
  std::optional<uint64_t> size() const override { return inner_.size(); }

 private:
  ByteSource& inner_;
};

std::string Md5Hex(const std::string& data) {
  Hasher md5(Hasher::Algorithm::kMd5);
  md5.Update(AsBytes(data));
  return md5.HexDigest();
}

// A body larger than kSmallSource that can give a second reader is hashed on
// another thread while the put goes on: a new reference waits for the digest, a
// delta only for its proof, a direct object before its write. All three record
// the digests of their own bytes.
TEST_F(DeltaServiceTest, LargeBodiesAreHashedBesideThePut) {
  const size_t size = kSmallSource + 300000;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"big/a-1.zip", testing::SyntheticRelease(1, size)},
      {"big/a-2.zip", testing::SyntheticRelease(2, size)},
      {"big/notes.txt", testing::SyntheticRelease(3, size)}};
  for (const auto& [key, data] : files) {
    SpanSource source(AsBytes(data));
    auto put = service_->Put(key, source, "name");
    ASSERT_TRUE(put.ok()) << put.error().message;
    auto head = service_->Head(key);
    ASSERT_TRUE(head.ok()) << head.error().message;
    EXPECT_EQ(head->sha256, Sha256Hex(AsBytes(data))) << key;
    EXPECT_EQ(head->etag, Md5Hex(data)) << key;
    EXPECT_EQ(head->size, data.size()) << key;
  }
  EXPECT_EQ(service_->Head("big/a-2.zip")->stored_as, StoredAs::kDelta);
  EXPECT_EQ(service_->Head("big/notes.txt")->stored_as, StoredAs::kDirect);
}

// A client's content type and metadata, and the ETag S3 would have answered,
// come back from Head, Get and List for deltas and directs alike; they never
// collide with the dg-* fields.
TEST_F(DeltaServiceTest, PutKeepsContentTypeUserMetadataAndTheEtag) {
  const ObjectAttributes attributes{
      .content_type = "application/zip",
      .user_metadata = {{"build", "1234"}, {"note", "reference"}, {"ref-key", "x"}}};
  const std::vector<std::pair<std::string, std::string>> files = {
      {"rel/a-1.zip", Release(1)}, {"rel/a-2.zip", Release(2)}, {"rel/readme.txt", "hello"}};
  for (const auto& [key, data] : files) {
    SpanSource source(AsBytes(data));
    auto put = service_->Put(key, source, "name", attributes);
    ASSERT_TRUE(put.ok()) << put.error().message;
    EXPECT_EQ(put->file.etag, Md5Hex(data)) << key;
  }
  EXPECT_EQ(service_->Head("rel/a-2.zip")->stored_as, StoredAs::kDelta);
  EXPECT_EQ(service_->Head("rel/readme.txt")->stored_as, StoredAs::kDirect);
  for (const auto& [key, data] : files) {
    auto head = service_->Head(key);
    ASSERT_TRUE(head.ok()) << head.error().message;
    EXPECT_EQ(head->created_at, clock_.Now()) << key;  // dg-created-at, typed
    EXPECT_EQ(head->etag, Md5Hex(data)) << key;
    EXPECT_EQ(head->content_type, "application/zip") << key;
    EXPECT_EQ(head->user_metadata, attributes.user_metadata) << key;
    VectorSink sink;
    auto got = service_->Get(key, sink);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->etag, Md5Hex(data));
    EXPECT_EQ(got->user_metadata, attributes.user_metadata);
  }
  std::map<std::string, std::string> listed;
  ASSERT_TRUE(service_
                  ->List("rel/", true,
                         [&](const ListedEntry& e) {
                           listed[e.file.key] = e.file.etag;
                           return OkStatus();
                         })
                  .ok());
  for (const auto& [key, data] : files) EXPECT_EQ(listed[key], Md5Hex(data)) << key;
  // A body that cannot be read twice at once (a pipe): the MD5 is taken in the
  // SHA256 pass instead, with the same result.
  const std::string v4 = Release(4);
  SpanSource inner(AsBytes(v4));
  OneReader pipe(inner);
  auto piped = service_->Put("rel/a-4.zip", pipe, "a-4.zip");
  ASSERT_TRUE(piped.ok()) << piped.error().message;
  EXPECT_EQ(piped->file.etag, Md5Hex(v4));
  EXPECT_EQ(service_->Head("rel/a-4.zip")->etag, Md5Hex(v4));
  // Without attributes: the default content type, no metadata.
  ASSERT_TRUE(Put("rel/a-3.zip", Release(3)).ok());
  EXPECT_EQ(service_->Head("rel/a-3.zip")->content_type, "application/octet-stream");
  EXPECT_TRUE(service_->Head("rel/a-3.zip")->user_metadata.empty());
}

TEST_F(DeltaServiceTest, MetadataS3CouldNotCarryIsRefusedBeforeAnythingIsStored) {
  for (const Metadata& bad : {Metadata{{"Build", "1"}}, Metadata{{"a b", "1"}}, Metadata{{"", "1"}},
                              Metadata{{"build", "line\nbreak"}}}) {
    const std::string data = Release(1);
    SpanSource source(AsBytes(data));
    auto put =
        service_->Put("rel/a-1.zip", source, "a-1.zip", {.content_type = "", .user_metadata = bad});
    ASSERT_EQ(put.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(put.error().message.find("metadata"), std::string::npos) << put.error().message;
  }
  std::vector<std::string> keys;
  ASSERT_TRUE(raw_store_
                  ->List({},
                         [&](const ListEntry& e) {
                           keys.push_back(e.key);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_TRUE(keys.empty());
}

// Parallel HEADs of the deltas change nothing the visitor sees: same rows, same
// order, delta sizes included, and a visitor error still stops the listing.
TEST_F(DeltaServiceTest, ListWithParallelHeadsMatchesTheSerialListing) {
  for (int v = 1; v <= 12; ++v) {
    ASSERT_TRUE(Put("rel/a-" + std::to_string(v) + ".zip", Release(v % 3 + 1)).ok());
    ASSERT_TRUE(Put("rel/n-" + std::to_string(v) + ".txt", std::string(v, 'n')).ok());
  }
  auto rows = [&](int concurrency) {
    std::vector<std::string> listed;
    EXPECT_TRUE(service_
                    ->List(
                        "rel/", true,
                        [&](const ListedEntry& e) {
                          listed.push_back(e.file.key + " " + std::to_string(e.file.size) + " " +
                                           std::string(StoredAsName(e.file.stored_as)));
                          return OkStatus();
                        },
                        concurrency)
                    .ok());
    return listed;
  };
  const std::vector<std::string> serial = rows(1);
  ASSERT_EQ(serial.size(), 24u);
  EXPECT_EQ(rows(4), serial);
  EXPECT_EQ(rows(64), serial);
  int visited = 0;
  Status stopped = service_->List(
      "rel/", true,
      [&](const ListedEntry&) -> Status {
        return ++visited == 3 ? MakeError(ErrorCode::kInternal, "stop") : OkStatus();
      },
      4);
  EXPECT_EQ(stopped.code(), ErrorCode::kInternal);
  EXPECT_EQ(visited, 3);
}

// 1,100 keys list before "w/app.tar.delta" yet after its logical key: an
// unlimited listing emits them in order without holding more than ~1,024.
TEST_F(DeltaServiceTest, AListingNeverHoldsMoreThanAThousandEntriesBackForADelta) {
  ASSERT_TRUE(Put("w/app.tar", Release(1)).ok());
  std::vector<std::string> expected = {"w/app.tar"};
  for (int i = 0; i < 1100; ++i) {
    expected.push_back("w/app.tar-" + std::to_string(10000 + i) + ".txt");
    ASSERT_TRUE(Put(expected.back(), "x").ok());
  }
  const int listed_before = store_->listed();
  std::vector<std::string> keys;
  int listed_at_first = 0;
  ASSERT_TRUE(service_
                  ->List("w/", true,
                         [&](const ListedEntry& entry) {
                           if (keys.empty()) listed_at_first = store_->listed() - listed_before;
                           keys.push_back(entry.file.key);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(keys, expected);
  EXPECT_LE(listed_at_first, 1026);
}

TEST_F(DeltaServiceTest, DeleteManyGivesEachKeyItsOwnVerdictWhenTheBatchFails) {
  ASSERT_TRUE(Put("m/a.txt", "a").ok());
  ASSERT_TRUE(Put("m/b.txt", "b").ok());
  ASSERT_TRUE(Put("m/c.txt", "c").ok());
  store_->set_undeletable("m/b.txt");
  const std::vector<std::string> keys = {"m/a.txt", "m/b.txt", "m/c.txt"};
  std::vector<Result<FileInfo>> results = service_->DeleteMany(keys);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(results[1].error().message.find("m/b.txt"), std::string::npos);
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(service_->Head("m/a.txt").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(service_->Head("m/b.txt").ok());
  EXPECT_EQ(service_->Head("m/c.txt").code(), ErrorCode::kNotFound);
}

TEST_F(DeltaServiceTest, DeleteKeepsTheReference) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  ASSERT_TRUE(service_->Delete("rel/a-1.zip").ok());
  EXPECT_EQ(Get("rel/a-1.zip").code(), ErrorCode::kNotFound);
  EXPECT_TRUE(raw_store_->Head("rel/reference.bin").ok());
  EXPECT_EQ(*Get("rel/a-2.zip"), Release(2));
  EXPECT_EQ(service_->Delete("rel/a-1.zip").code(), ErrorCode::kNotFound);
}

TEST_F(DeltaServiceTest, StatsCountOriginalAndStoredBytes) {
  service_ = MakeService(*cache_, OneLevel());
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  ASSERT_TRUE(Put("rel/notes.txt", "12345").ok());
  auto stats = service_->Stats("");
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->deltaspaces.size(), 1u);
  const DeltaspaceStats& s = stats->deltaspaces[0];
  EXPECT_EQ(s.deltaspace, "rel");
  EXPECT_EQ(s.files, 3u);
  EXPECT_EQ(s.deltas, 2u);
  EXPECT_EQ(s.directs, 1u);
  EXPECT_EQ(s.references, 1u);
  EXPECT_EQ(s.original_bytes, 2 * Release(1).size() + 5);
  uint64_t stored = 0;
  for (const char* k : {"rel/reference.bin", "rel/a-1.zip.delta", "rel/a-2.zip.delta", "rel/notes.txt"}) {
    stored += GetRaw(k).size();
  }
  EXPECT_EQ(s.stored_bytes, stored);
  EXPECT_EQ(stats->total.stored_bytes, stored);
}

TEST_F(DeltaServiceTest, StatsAttributeFamilyReferencesAndDeltasToTheFamilyRow) {
  service_ = MakeService(*cache_, OneLevel());
  ASSERT_TRUE(Put("releases/v1.0.1/app-1.0.1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("releases/v1.0.2/app-1.0.2.zip", Release(2)).ok());
  ASSERT_TRUE(Put("releases/v1.0.2/notes.txt", "12345").ok());
  auto stats = service_->Stats("", /*head_concurrency=*/4);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats->deltaspaces.size(), 2u);
  const DeltaspaceStats& family = stats->deltaspaces[0];
  EXPECT_EQ(family.label, "releases/*/{app.zip}");
  EXPECT_EQ(family.kind, "family");
  EXPECT_EQ(family.deltaspace, "releases");
  EXPECT_EQ(family.family, "app.zip");
  EXPECT_EQ(family.files, 2u);
  EXPECT_EQ(family.deltas, 2u);
  EXPECT_EQ(family.references, 1u);
  EXPECT_EQ(family.original_bytes, 2 * Release(1).size());
  const DeltaspaceStats& direct = stats->deltaspaces[1];
  EXPECT_EQ(direct.label, "releases/v1.0.2/");
  EXPECT_EQ(direct.directs, 1u);
  EXPECT_EQ(stats->total.files, 3u);
  auto serial = service_->Stats("", 1);
  ASSERT_TRUE(serial.ok());
  EXPECT_EQ(serial->total.stored_bytes, stats->total.stored_bytes);
}

TEST_F(DeltaServiceTest, ReservedKeysAreRefused) {
  EXPECT_EQ(Put("rel/reference.bin", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Put("rel/a.zip.delta", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Put("rel/", "x").code(), ErrorCode::kInvalidArgument);
}

TEST_F(DeltaServiceTest, FailedWriteReportsAndLeavesNothing) {
  store_->set_fail_puts(true);
  auto put = Put("rel/a-1.zip", Release(1));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("put s3://bkt/rel/a-1.zip"), std::string::npos);
  int objects = 0;
  ASSERT_TRUE(raw_store_->List({}, [&](const ListEntry&) {
    ++objects;
    return OkStatus();
  }).ok());
  EXPECT_EQ(objects, 0);
}

// A reference cache whose disk fills up: every entry's write fails midway.
class FullDiskCache final : public ReferenceCache {
 public:
  Result<std::shared_ptr<const Blob>> Find(std::string_view sha256_hex) override {
    return inner_->Find(sha256_hex);
  }
  Result<std::shared_ptr<const Blob>> Insert(
      std::string_view sha256_hex, const std::function<Status(ByteSink&)>& fill) override {
    return inner_->Insert(sha256_hex, [&](ByteSink& out) {
      FullAfter full(out);
      return fill(full);
    });
  }

 private:
  class FullAfter final : public ByteSink {
   public:
    explicit FullAfter(ByteSink& next) : next_(next) {}
    Status Write(std::span<const std::byte> data) override {
      if (written_ + data.size() > 1000) {
        return MakeError(ErrorCode::kResourceExhausted, "write cache: No space left on device");
      }
      written_ += data.size();
      return next_.Write(data);
    }

   private:
    ByteSink& next_;
    uint64_t written_ = 0;
  };
  std::unique_ptr<ReferenceCache> inner_ = NewMemoryReferenceCache();
};

// The new reference is cached by its own read-back: a cache that cannot be
// written fails the put with the disk's error, before anything is stored (not
// mistaken for a compressed form that does not read back, nor stored raw).
TEST_F(DeltaServiceTest, ACacheThatCannotBeWrittenFailsThePutAndStoresNothing) {
  FullDiskCache full;
  service_ = MakeService(full);
  auto put = Put("rel/a-1.zip", Release(1));
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.error().message.find("No space left on device"), std::string::npos)
      << put.error().message;
  int objects = 0;
  ASSERT_TRUE(raw_store_
                  ->List({},
                         [&](const ListEntry&) {
                           ++objects;
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(objects, 0);
}

TEST_F(DeltaServiceTest, ConcurrentFirstWritesShareOneReference) {
  service_ = MakeService(*cache_, OneLevel());
  constexpr int kWriters = 8;
  std::vector<std::thread> threads;
  std::vector<Status> results(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = Put("race/v" + std::to_string(i) + ".zip", Release(i)).status();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].message();
    EXPECT_EQ(*Get("race/v" + std::to_string(i) + ".zip"), Release(i));
  }
  const std::string ref_sha = HeadRaw("race/reference.bin").at("dg-file-sha256");
  for (int i = 0; i < kWriters; ++i) {
    EXPECT_EQ(HeadRaw("race/v" + std::to_string(i) + ".zip.delta").at("dg-ref-sha256"), ref_sha);
  }
}

// Runs `act` on the inner store just before each delta is written: what gc (and
// a put racing with it) do to a reference a put has already chosen.
class BeforeDeltaWrites final : public ObjectStore {
 public:
  BeforeDeltaWrites(ObjectStore& inner, std::function<void(ObjectStore&)> act)
      : inner_(inner), act_(std::move(act)) {}
  const std::string& bucket() const override { return inner_.bucket(); }
  Result<ObjectHead> Head(std::string_view key) override { return inner_.Head(key); }
  Result<ObjectHead> Get(std::string_view key, ByteSink& sink) override { return inner_.Get(key, sink); }
  Result<ObjectHead> Put(std::string_view key, ByteSource& body, const PutOptions& options) override {
    if (key.ends_with(".delta")) act_(inner_);
    return inner_.Put(key, body, options);
  }
  Status List(const ListOptions& options, const ListVisitor& visit) override {
    return inner_.List(options, visit);
  }
  Status Delete(std::string_view key) override { return inner_.Delete(key); }
  Capabilities capabilities() const override { return inner_.capabilities(); }

 private:
  ObjectStore& inner_;
  std::function<void(ObjectStore&)> act_;
};

GcOptions Execute(std::chrono::seconds grace = std::chrono::seconds(0)) {
  GcOptions options;
  options.dry_run = false;
  options.grace = grace;
  return options;
}

class GcTest : public DeltaServiceTest {
 protected:
  // gc compares the store's object times with the clock: use the real one.
  GcTest() {
    ServicePorts ports{store_.get(), cache_.get(), &codecs_, compressor_.get(), &SystemClock()};
    service_ = std::make_unique<DeltaService>(ports, OneLevel());
  }

  Result<GcReport> Gc(const std::string& prefix, const GcOptions& options,
                      std::vector<std::string>* events = nullptr) {
    return service_->CollectGarbage(prefix, options, [events](const GcEvent& event) {
      if (events == nullptr) return;
      events->push_back(std::to_string(static_cast<int>(event.kind)) + " " + event.what);
    });
  }
  // Puts `data` as `key` through a service on `store` (a racing one) that shares
  // this test's cache and codecs.
  Result<PutResult> PutThrough(ObjectStore& store, const std::string& key,
                               const std::string& data) {
    ServicePorts ports{&store, cache_.get(), &codecs_, compressor_.get(), &clock_};
    DeltaService racing(ports, OneLevel());
    SpanSource source(AsBytes(data));
    return racing.Put(key, source, key.substr(key.rfind('/') + 1));
  }
  std::vector<std::string> RawKeys() {
    std::vector<std::string> keys;
    EXPECT_TRUE(raw_store_->List({}, [&](const ListEntry& e) {
      keys.push_back(e.key);
      return OkStatus();
    }).ok());
    return keys;
  }
};

TEST_F(GcTest, RemovesOnlyReferencesNoDeltaNeedsAfterTheGracePeriod) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  ASSERT_TRUE(Put("other/b-1.zip", Release(5)).ok());
  ASSERT_TRUE(service_->Delete("rel/a-1.zip").ok());
  // A delta still needs rel/reference.bin: nothing to do.
  auto kept = Gc("", Execute());
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(kept->references, 2u);
  EXPECT_EQ(kept->unused, 0u);
  ASSERT_TRUE(service_->Delete("rel/a-2.zip").ok());

  // The last delta is gone: the reference is unused, but young (written a
  // moment ago), so the default grace keeps it.
  auto young = Gc("", Execute(std::chrono::hours(24)));
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(young->young, 1u);
  EXPECT_TRUE(raw_store_->Head("rel/reference.bin").ok());

  std::vector<std::string> events;
  GcOptions dry;
  dry.grace = std::chrono::seconds(0);
  auto plan = Gc("", dry, &events);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->unused, 1u);
  EXPECT_EQ(events, (std::vector<std::string>{"0 rel/reference.bin"}));
  EXPECT_TRUE(raw_store_->Head("rel/reference.bin").ok());  // a dry run changes nothing

  auto done = Gc("", Execute());
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->unused, 1u);
  EXPECT_GT(done->unused_bytes, 0u);
  EXPECT_EQ(RawKeys(), (std::vector<std::string>{"other/b-1.zip.delta", "other/reference.bin"}));
  EXPECT_EQ(*Get("other/b-1.zip"), Release(5));
}

TEST_F(GcTest, FamilyReferencesNeededFromOtherPrefixesStay) {
  ASSERT_TRUE(Put("releases/v1/app-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("releases/v2/app-2.zip", Release(2)).ok());
  ASSERT_TRUE(service_->Delete("releases/v1/app-1.zip").ok());
  auto report = Gc("releases/.dg-family/", Execute());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->references, 1u);
  EXPECT_EQ(report->unused, 0u);
  EXPECT_EQ(*Get("releases/v2/app-2.zip"), Release(2));
}

TEST_F(GcTest, APutWhoseReferenceVanishesWritesItAgain) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  BeforeDeltaWrites thief(
      *raw_store_, [](ObjectStore& store) { EXPECT_TRUE(store.Delete("rel/reference.bin").ok()); });
  auto put = PutThrough(thief, "rel/a-2.zip", Release(2));
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->file.ref_key, "rel/reference.bin");
  EXPECT_TRUE(raw_store_->Head("rel/reference.bin").ok());
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  EXPECT_EQ(*Get("rel/a-1.zip", reader.get()), Release(1));
  EXPECT_EQ(*Get("rel/a-2.zip", reader.get()), Release(2));
}

// gc removes the reference a put has chosen and another put makes a new one at
// its key, all before the first put's delta is written: the delta must not name
// the removed reference's bytes.
TEST_F(GcTest, APutWhoseReferenceIsReplacedMeanwhileStartsAgain) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(service_->Delete("rel/a-1.zip").ok());  // the reference is unused now
  int replaced = 0;
  BeforeDeltaWrites racer(*raw_store_, [&](ObjectStore& store) {
    if (replaced++ > 0) return;
    EXPECT_TRUE(store.Delete("rel/reference.bin").ok());
    ASSERT_TRUE(Put("rel/c-7.zip", Release(7)).ok());  // makes rel/reference.bin anew
  });
  auto put = PutThrough(racer, "rel/a-2.zip", Release(2));
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(replaced, 2);  // the second pass wrote the delta again
  EXPECT_EQ(HeadRaw("rel/a-2.zip.delta").at("dg-ref-sha256"),
            HeadRaw("rel/reference.bin").at("dg-file-sha256"));
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  EXPECT_EQ(*Get("rel/a-2.zip", reader.get()), Release(2));
  EXPECT_EQ(*Get("rel/c-7.zip", reader.get()), Release(7));
}

// The same race, every time: the put gives up with a clear error and leaves no
// delta naming a reference that is gone.
TEST_F(GcTest, APutWhoseReferenceKeepsBeingReplacedFailsCleanly) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(service_->Delete("rel/a-1.zip").ok());
  int round = 0;
  BeforeDeltaWrites racer(*raw_store_, [&](ObjectStore& store) {
    EXPECT_TRUE(store.Delete("rel/reference.bin").ok());
    ASSERT_TRUE(Put("rel/c-" + std::to_string(round) + ".zip", Release(10 + round)).ok());
    ASSERT_TRUE(service_->Delete("rel/c-" + std::to_string(round++) + ".zip").ok());
  });
  auto put = PutThrough(racer, "rel/a-2.zip", Release(2));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.code(), ErrorCode::kUnavailable);
  EXPECT_NE(put.error().message.find("was replaced by another"), std::string::npos)
      << put.error().message;
  EXPECT_EQ(round, 3);
  EXPECT_FALSE(raw_store_->Head("rel/a-2.zip.delta").ok());
  EXPECT_EQ(Get("rel/a-2.zip").code(), ErrorCode::kNotFound);
}

// A put made a delta against a reference and finished; gc then parked that
// reference and another put made a new one at its key before gc could put it
// back. gc must keep the parked copy (a delta needs it) and readers must find it.
TEST_F(GcTest, AParkedReferenceWhoseKeyWasRetakenStaysParkedAndIsRead) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  PutRaw(".dg-trash/rel/reference.bin", GetRaw("rel/reference.bin"), HeadRaw("rel/reference.bin"));
  ASSERT_TRUE(raw_store_->Delete("rel/reference.bin").ok());
  ASSERT_TRUE(Put("rel/c-7.zip", Release(7)).ok());  // makes rel/reference.bin anew
  for (int run = 0; run < 2; ++run) {
    std::vector<std::string> events;
    auto report = Gc("", Execute(), &events);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->kept_parked, 1u);
    EXPECT_EQ(report->unused, 0u);
    EXPECT_EQ(events, (std::vector<std::string>{"3 .dg-trash/rel/reference.bin"}));
  }
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  EXPECT_EQ(*Get("rel/a-1.zip", reader.get()), Release(1));
  EXPECT_EQ(*Get("rel/a-2.zip", reader.get()), Release(2));
  EXPECT_EQ(*Get("rel/c-7.zip", reader.get()), Release(7));
  // Once no delta needs the parked copy, gc removes it.
  ASSERT_TRUE(service_->Delete("rel/a-1.zip").ok());
  ASSERT_TRUE(service_->Delete("rel/a-2.zip").ok());
  auto report = Gc("", Execute());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->kept_parked, 0u);
  EXPECT_EQ(RawKeys(), (std::vector<std::string>{"rel/c-7.zip.delta", "rel/reference.bin"}));
}

TEST_F(GcTest, AReferenceParkedByAnInterruptedGcIsStillRead) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  ASSERT_TRUE(Put("rel/a-2.zip", Release(2)).ok());
  PutRaw(".dg-trash/rel/reference.bin", GetRaw("rel/reference.bin"), HeadRaw("rel/reference.bin"));
  ASSERT_TRUE(raw_store_->Delete("rel/reference.bin").ok());
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  EXPECT_EQ(*Get("rel/a-2.zip", reader.get()), Release(2));
  // A damaged parked copy is still caught by the SHA256 check.
  std::string damaged = GetRaw(".dg-trash/rel/reference.bin");
  damaged[damaged.size() / 2] ^= 1;
  PutRaw(".dg-trash/rel/reference.bin", damaged, HeadRaw(".dg-trash/rel/reference.bin"));
  auto cold_cache = NewMemoryReferenceCache();
  auto cold = MakeService(*cold_cache);
  EXPECT_FALSE(Get("rel/a-2.zip", cold.get()).ok());
}

TEST_F(GcTest, TrashLeftByAnInterruptedRunIsPutBackWhenNeeded) {
  ASSERT_TRUE(Put("rel/a-1.zip", Release(1)).ok());
  // As if a gc died between moving the reference to the trash and re-scanning.
  PutRaw(".dg-trash/rel/reference.bin", GetRaw("rel/reference.bin"), HeadRaw("rel/reference.bin"));
  ASSERT_TRUE(raw_store_->Delete("rel/reference.bin").ok());
  PutRaw(".dg-trash/old/reference.bin", "stale", {{"dg-note", "reference"}});
  auto report = Gc("", Execute(std::chrono::hours(24)));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->restored, 1u);
  EXPECT_EQ(RawKeys(), (std::vector<std::string>{"rel/a-1.zip.delta", "rel/reference.bin"}));
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  EXPECT_EQ(*Get("rel/a-1.zip", reader.get()), Release(1));
}

// Delta chains (ServiceOptions::max_depth): each version becomes the next link
// of its group's chain, a patch against an earlier link; reads rebuild the chain.

ServiceOptions Chains(int max_depth) {
  ServiceOptions options;
  options.max_depth = max_depth;
  return options;
}

// Version `version` of a drifting series: the one before with three more
// regions of 2 KB replaced, so changes pile up as in real releases.
std::string Drifted(int version) {
  std::string data = RandomBytes(300000, 1);
  for (int v = 1; v <= version; ++v) {
    for (int region = 0; region < 3; ++region) {
      const std::string fresh = RandomBytes(2048, static_cast<uint32_t>(1000 + v * 10 + region));
      const size_t at = (static_cast<size_t>(v) * 7919 + static_cast<size_t>(region) * 104729) %
                        (data.size() - fresh.size());
      std::copy(fresh.begin(), fresh.end(), data.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  return data;
}

std::string DriftedKey(int version) { return "rel/app-" + std::to_string(version) + ".tar"; }
std::string LinkKey(int generation) {
  return "rel/.dg-refs/app.tar/" + std::to_string(generation) + "/reference.bin";
}

uint64_t StoredBytes(ObjectStore& store) {
  uint64_t total = 0;
  EXPECT_TRUE(store
                  .List({},
                        [&](const ListEntry& e) {
                          total += e.size;
                          return OkStatus();
                        })
                  .ok());
  return total;
}

TEST_F(DeltaServiceTest, ChainsStoreEachVersionAgainstAnEarlierOneWithinTheDepthCap) {
  constexpr int kVersions = 12;
  service_ = MakeService(*cache_, Chains(3));
  ASSERT_TRUE(storage_->CreateBucket("one-level").ok());
  std::unique_ptr<ObjectStore> one_level_store =
      std::move(storage_->OpenBucket("one-level")).value();
  auto one_level_cache = NewMemoryReferenceCache();
  ServicePorts ports{one_level_store.get(), one_level_cache.get(), &codecs_, compressor_.get(),
                     &clock_};
  DeltaService one_level(ports, OneLevel());
  for (int v = 0; v < kVersions; ++v) {
    const std::string data = Drifted(v);
    auto put = Put(DriftedKey(v), data);
    ASSERT_TRUE(put.ok()) << put.error().message;
    EXPECT_EQ(put->file.stored_as, StoredAs::kDelta);
    EXPECT_LE(put->file.depth, 3) << v;
    EXPECT_EQ(put->file.ref_key, v == 0 ? "rel/reference.bin" : LinkKey(v)) << v;
    SpanSource source(AsBytes(data));
    ASSERT_TRUE(one_level.Put(DriftedKey(v), source, "app.tar").ok());
  }
  // Every link records a base and a depth within the cap (its links, plus the delta).
  for (int generation = 1; generation < kVersions; ++generation) {
    const Metadata link = HeadRaw(LinkKey(generation));
    EXPECT_EQ(link.at("dg-compression"), "zstd-patch");
    EXPECT_LE(std::stoi(link.at("dg-depth")), 2) << generation;
    EXPECT_EQ(link.count("dg-base-key"), 1u);
  }
  // Position 3 after the keyframe is a patch against position 2, position 4 against the keyframe.
  EXPECT_EQ(HeadRaw(LinkKey(3)).at("dg-base-key"), LinkKey(2));
  EXPECT_EQ(HeadRaw(LinkKey(4)).at("dg-base-key"), "rel/reference.bin");
  EXPECT_LT(StoredBytes(*raw_store_), StoredBytes(*one_level_store) * 9 / 10);

  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  for (int v = kVersions - 1; v >= 0; --v) EXPECT_EQ(*Get(DriftedKey(v), reader.get()), Drifted(v));
  for (int v = 0; v < kVersions; ++v) EXPECT_TRUE(reader->Verify(DriftedKey(v)).ok()) << v;
}

TEST_F(DeltaServiceTest, SixtyVersionsInOrderAndShuffledStayWithinTheDepthCapAndReadBack) {
  constexpr int kVersions = 60;
  std::vector<int> shuffled(kVersions);
  std::iota(shuffled.begin(), shuffled.end(), 0);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(16));
  for (const auto& [prefix, order] :
       {std::pair<std::string, std::vector<int>>{"in-order/", {}}, {"shuffled/", shuffled}}) {
    for (int i = 0; i < kVersions; ++i) {
      const int v = order.empty() ? i : order[static_cast<size_t>(i)];
      auto put = Put(prefix + DriftedKey(v), Drifted(v));
      ASSERT_TRUE(put.ok()) << put.error().message;
      EXPECT_LE(put->file.depth, ServiceOptions{}.max_depth) << prefix << v;
    }
    auto fresh_cache = NewMemoryReferenceCache();
    auto reader = MakeService(*fresh_cache);
    for (int v = 0; v < kVersions; ++v) {
      EXPECT_EQ(*Get(prefix + DriftedKey(v), reader.get()), Drifted(v)) << prefix << v;
    }
  }
}

TEST_F(DeltaServiceTest, AnIdenticalVersionAddsNoLink) {
  ASSERT_TRUE(Put(DriftedKey(0), Drifted(0)).ok());
  ASSERT_TRUE(Put(DriftedKey(1), Drifted(1)).ok());
  auto again = Put("rel/app-99.tar", Drifted(1));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->file.ref_key, LinkKey(1));
  EXPECT_EQ(again->file.stored_size, 0u);  // a zero-diff delta is empty
  EXPECT_EQ(raw_store_->Head(LinkKey(2)).code(), ErrorCode::kNotFound);
  EXPECT_EQ(*Get("rel/app-99.tar"), Drifted(1));
}

TEST_F(DeltaServiceTest, ABrokenChainLinkIsNamedAndNothingIsReturned) {
  for (int v = 0; v < 4; ++v) ASSERT_TRUE(Put(DriftedKey(v), Drifted(v)).ok());
  // Version 3 (position 3) reads through link 2.
  ASSERT_EQ(HeadRaw(LinkKey(3)).at("dg-base-key"), LinkKey(2));
  const std::string good = GetRaw(LinkKey(2));
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x01;
  PutRaw(LinkKey(2), flipped, HeadRaw(LinkKey(2)));
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  VectorSink out;
  Result<FileInfo> got = reader->Get(DriftedKey(3), out);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kCorrupted);
  EXPECT_NE(got.error().message.find(LinkKey(2)), std::string::npos) << got.error().message;
  EXPECT_TRUE(out.bytes().empty());

  ASSERT_TRUE(raw_store_->Delete(LinkKey(2)).ok());
  auto verified = service_->Verify(DriftedKey(3));  // the rebuild comes from the cache
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.error().message.find(LinkKey(2)), std::string::npos);
  auto another_cache = NewMemoryReferenceCache();
  auto second_reader = MakeService(*another_cache);
  Result<std::string> missing = Get(DriftedKey(3), second_reader.get());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find(LinkKey(2) + " is missing"), std::string::npos)
      << missing.error().message;
}

TEST_F(DeltaServiceTest, ALoopingChainIsAnErrorNotAHang) {
  for (int v = 0; v < 2; ++v) ASSERT_TRUE(Put(DriftedKey(v), Drifted(v)).ok());
  Metadata looped = HeadRaw(LinkKey(1));
  looped["dg-base-key"] = LinkKey(1);
  looped["dg-base-sha256"] = looped.at("dg-file-sha256");
  PutRaw(LinkKey(1), GetRaw(LinkKey(1)), looped);
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  auto got = Get(DriftedKey(1), reader.get());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.code(), ErrorCode::kCorrupted);
  EXPECT_NE(got.error().message.find("links"), std::string::npos) << got.error().message;
}

TEST_F(DeltaServiceTest, ConcurrentPutsIntoOneChainAllReadBack) {
  constexpr int kWriters = 8;
  ASSERT_TRUE(Put(DriftedKey(0), Drifted(0)).ok());
  std::vector<std::thread> threads;
  std::vector<Status> results(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] { results[i] = Put(DriftedKey(i + 1), Drifted(i + 1)).status(); });
  }
  for (auto& t : threads) t.join();
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  for (int v = 0; v <= kWriters; ++v) {
    if (v > 0) {
      ASSERT_TRUE(results[v - 1].ok()) << results[v - 1].message();
    }
    EXPECT_EQ(*Get(DriftedKey(v), reader.get()), Drifted(v)) << v;
    auto verified = reader->Verify(DriftedKey(v));
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_LE(verified->depth, ServiceOptions{}.max_depth);
  }
}

TEST_F(GcTest, RemovedVersionsKeepTheLinksLaterVersionsNeed) {
  ServicePorts ports{store_.get(), cache_.get(), &codecs_, compressor_.get(), &SystemClock()};
  service_ = std::make_unique<DeltaService>(ports, ServiceOptions{});
  for (int v = 0; v < 4; ++v) ASSERT_TRUE(Put(DriftedKey(v), Drifted(v)).ok());
  // Version 3 is a patch against version 2's link: removing versions 1 and 2
  // leaves link 1 unused, link 2 needed.
  ASSERT_TRUE(service_->Delete(DriftedKey(1)).ok());
  ASSERT_TRUE(service_->Delete(DriftedKey(2)).ok());
  auto report = Gc("", Execute());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->unused, 1u);
  EXPECT_EQ(raw_store_->Head(LinkKey(1)).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(raw_store_->Head(LinkKey(2)).ok());
  auto fresh_cache = NewMemoryReferenceCache();
  auto reader = MakeService(*fresh_cache);
  EXPECT_EQ(*Get(DriftedKey(3), reader.get()), Drifted(3));
  EXPECT_EQ(*Get(DriftedKey(0), reader.get()), Drifted(0));

  ASSERT_TRUE(service_->Delete(DriftedKey(3)).ok());
  report = Gc("", Execute());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(RawKeys(), (std::vector<std::string>{"rel/app-0.tar.delta", "rel/reference.bin"}));
}

}  // namespace
}  // namespace deltaglider
