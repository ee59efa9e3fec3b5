// store_versions: the SDK in a few lines. Stores each FILE given as a version of
// one artifact in BUCKET at ENDPOINT (file:///dir, a path, or http(s)://host:port
// with the AWS credentials of the environment), reads every one back, and prints
// what each costs in the store.
//
//   store_versions ENDPOINT BUCKET FILE...
#include <deltaglider/files.h>
#include <deltaglider/open.h>

#include <cstdio>
#include <string>

namespace dg = deltaglider;

int Fail(const dg::Error& error) {
  std::fprintf(stderr, "store_versions: %s\n", error.message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: store_versions ENDPOINT BUCKET FILE...\n");
    return 2;
  }
  dg::ClientOptions options;
  options.endpoint_url = argv[1];
  options.cache = dg::CacheKind::kMemory;
  auto client = dg::Client::Open(options);
  if (!client.ok()) return Fail(client.error());
  const std::string bucket = argv[2];
  if (dg::Status made = (*client)->storage().CreateBucket(bucket);
      !made.ok() && made.code() != dg::ErrorCode::kAlreadyExists) {
    return Fail(made.error());
  }
  auto session = (*client)->OpenBucket(bucket);
  if (!session.ok()) return Fail(session.error());
  for (int i = 3; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string name = path.substr(path.find_last_of('/') + 1);
    const std::string key = "versions/" + name;
    auto body = dg::OpenFileSource(path);
    if (!body.ok()) return Fail(body.error());
    auto put = session->service->Put(key, **body, name);
    if (!put.ok()) return Fail(put.error());
    auto got = session->service->Verify(key);  // rebuilt from the store, SHA256-checked
    if (!got.ok()) return Fail(got.error());
    std::printf("%s: %llu bytes, %llu stored\n", key.c_str(),
                static_cast<unsigned long long>(got->size),
                static_cast<unsigned long long>(put->file.stored_size));
  }
  return 0;
}
