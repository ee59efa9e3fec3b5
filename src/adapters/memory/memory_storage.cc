// MemoryStorage / MemoryObjectStore: Storage and ObjectStore over std::maps held
// in the process. Every bucket map lives in one State behind one mutex, so each
// operation (conditional put included) is atomic. Bodies are immutable shared
// buffers, so Get streams them outside the lock; the lock is never held while
// calling a source, sink or visitor.
#include <algorithm>
#include <map>
#include <mutex>

#include "core/hash.h"
#include "deltaglider/memory.h"

namespace deltaglider {
namespace {

constexpr size_t kMaxKeyBytes = 1024;

using Body = std::shared_ptr<const std::vector<std::byte>>;

struct StoredObject {
  ObjectHead head;
  Body body;
};

struct Bucket {
  TimePoint created;
  std::map<std::string, StoredObject> objects;  // byte order, as S3 lists
};

struct State {
  std::mutex mu;
  std::map<std::string, Bucket, std::less<>> buckets;
};

Status ValidateKey(std::string_view op, std::string_view key) {
  if (key.empty()) return MakeError(ErrorCode::kInvalidArgument, op, ": empty key");
  if (key.size() > kMaxKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, op, " ", key.substr(0, 64),
                     "...: key longer than 1024 bytes");
  }
  return OkStatus();
}

class MemoryObjectStore final : public ObjectStore {
 public:
  MemoryObjectStore(std::shared_ptr<State> state, std::string bucket)
      : state_(std::move(state)), bucket_(std::move(bucket)) {}

  const std::string& bucket() const override { return bucket_; }

  Result<ObjectHead> Head(std::string_view key) override {
    DG_ASSIGN_OR_RETURN(StoredObject object, Find("head", key));
    return object.head;
  }

  Result<ObjectHead> Get(std::string_view key, ByteSink& sink) override {
    DG_ASSIGN_OR_RETURN(StoredObject object, Find("get", key));
    DG_RETURN_IF_ERROR(sink.Write(*object.body));
    return object.head;
  }

  Result<ObjectHead> Put(std::string_view key, ByteSource& body,
                         const PutOptions& options) override {
    DG_RETURN_IF_ERROR(ValidateKey("put", key));
    VectorSink collected;
    HashingSink hashing(Hasher::Algorithm::kMd5, &collected);
    DG_RETURN_IF_ERROR(Copy(body, hashing));
    StoredObject object;
    object.head.key = std::string(key);
    object.head.size = collected.bytes().size();
    object.head.etag = hashing.HexDigest();
    object.head.content_type = options.content_type;
    object.head.metadata = options.metadata;
    object.head.last_modified = std::chrono::system_clock::now();
    object.body = std::make_shared<const std::vector<std::byte>>(std::move(collected.bytes()));
    return Store(std::move(object), options.if_none_match);
  }

  Status List(const ListOptions& options, const ListVisitor& visit) override {
    DG_ASSIGN_OR_RETURN(std::vector<ListEntry> entries, Collect(options));
    for (const ListEntry& entry : entries) DG_RETURN_IF_ERROR(visit(entry));
    return OkStatus();
  }

  Status Delete(std::string_view key) override {
    DG_RETURN_IF_ERROR(ValidateKey("delete", key));
    std::lock_guard lock(state_->mu);
    DG_ASSIGN_OR_RETURN(Bucket * bucket, Locked());
    bucket->objects.erase(std::string(key));
    return OkStatus();
  }

  Result<ObjectHead> CopyObject(std::string_view from, std::string_view to,
                          const PutOptions& options) override {
    DG_RETURN_IF_ERROR(ValidateKey("copy", to));
    DG_ASSIGN_OR_RETURN(StoredObject object, Find("copy", from));
    object.head.key = std::string(to);
    object.head.content_type = options.content_type;
    object.head.metadata = options.metadata;
    object.head.last_modified = std::chrono::system_clock::now();
    return Store(std::move(object), options.if_none_match);
  }

  Capabilities capabilities() const override {
    return Capabilities{.conditional_put = true, .server_side_copy = true};
  }

 private:
  // The bucket; REQUIRES: state_->mu held.
  Result<Bucket*> Locked() {
    auto it = state_->buckets.find(bucket_);
    if (it == state_->buckets.end()) return NoSuchBucket(bucket_);
    return &it->second;
  }

  Result<StoredObject> Find(std::string_view op, std::string_view key) {
    DG_RETURN_IF_ERROR(ValidateKey(op, key));
    std::lock_guard lock(state_->mu);
    DG_ASSIGN_OR_RETURN(Bucket * bucket, Locked());
    auto it = bucket->objects.find(std::string(key));
    if (it == bucket->objects.end()) {
      return MakeError(ErrorCode::kNotFound, op, " ", bucket_, "/", key, ": no such key");
    }
    return it->second;
  }

  Result<ObjectHead> Store(StoredObject object, bool if_none_match) {
    std::lock_guard lock(state_->mu);
    DG_ASSIGN_OR_RETURN(Bucket * bucket, Locked());
    auto [it, inserted] = bucket->objects.try_emplace(object.head.key);
    if (!inserted && if_none_match) {
      return MakeError(ErrorCode::kAlreadyExists, "put ", bucket_, "/", object.head.key,
                       ": already exists");
    }
    it->second = std::move(object);
    return it->second.head;
  }

  // The listing, taken under the lock so the visitor runs without it.
  Result<std::vector<ListEntry>> Collect(const ListOptions& options) {
    std::lock_guard lock(state_->mu);
    DG_ASSIGN_OR_RETURN(Bucket * bucket, Locked());
    std::vector<ListEntry> entries;
    auto first = options.start_after < options.prefix
                     ? bucket->objects.lower_bound(options.prefix)
                     : bucket->objects.upper_bound(options.start_after);
    for (auto it = first; it != bucket->objects.end() && it->first.starts_with(options.prefix);
         ++it) {
      const ObjectHead& head = it->second.head;
      if (std::string common = CommonPrefixOf(head.key, options); !common.empty()) {
        if (entries.empty() || entries.back().key != common) {
          entries.push_back(ListEntry{.key = std::move(common),
                                      .is_prefix = true,
                                      .size = 0,
                                      .etag = {},
                                      .last_modified = {}});
        }
        continue;
      }
      entries.push_back(ListEntry{.key = head.key,
                                  .is_prefix = false,
                                  .size = head.size,
                                  .etag = head.etag,
                                  .last_modified = head.last_modified});
    }
    return entries;
  }

  std::shared_ptr<State> state_;
  std::string bucket_;
};

class MemoryStorage final : public Storage {
 public:
  std::string Describe() const override { return "memory"; }

  Result<std::unique_ptr<ObjectStore>> OpenBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    return std::unique_ptr<ObjectStore>(
        std::make_unique<MemoryObjectStore>(state_, std::string(name)));
  }

  Status CreateBucket(std::string_view name) override {
    DG_RETURN_IF_ERROR(ValidateBucketName(name));
    std::lock_guard lock(state_->mu);
    auto [it, inserted] = state_->buckets.try_emplace(std::string(name));
    if (!inserted) {
      return MakeError(ErrorCode::kBucketAlreadyExists, "create bucket ", name, ": already exists");
    }
    it->second.created = std::chrono::system_clock::now();
    return OkStatus();
  }

  Status DeleteBucket(std::string_view name) override {
    std::lock_guard lock(state_->mu);
    auto it = state_->buckets.find(name);
    if (it == state_->buckets.end()) return NoSuchBucket(name);
    if (!it->second.objects.empty()) {
      return MakeError(ErrorCode::kBucketNotEmpty, "delete bucket ", name, ": holds ",
                       std::to_string(it->second.objects.size()), " objects");
    }
    state_->buckets.erase(it);
    return OkStatus();
  }

  Result<std::vector<BucketInfo>> ListBuckets() override {
    std::lock_guard lock(state_->mu);
    std::vector<BucketInfo> buckets;
    for (const auto& [name, bucket] : state_->buckets) {
      buckets.push_back(BucketInfo{.name = name, .created = bucket.created});
    }
    return buckets;
  }

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace

std::unique_ptr<Storage> NewMemoryStorage() { return std::make_unique<MemoryStorage>(); }

}  // namespace deltaglider
