// ObjectStoreConformance: the one GoogleTest suite every Storage / ObjectStore
// adapter must pass; it is the executable form of the contract in
// deltaglider/ports/object_store.h. It must only ever check behaviour that S3
// itself shows, never one adapter's quirks (those go in the adapter's own tests).
//
// An adapter's test file links tests/conformance/object_store_conformance.cc and
// instantiates the suite with a factory that returns a fresh Storage:
//
//   INSTANTIATE_TEST_SUITE_P(
//       Memory, ObjectStoreConformance,
//       ::testing::Values(StorageFactory{"memory", [](const std::string&) {
//         return Result<std::unique_ptr<Storage>>(NewMemoryStorage());
//       }}),
//       StorageFactoryName);
//
// Every test creates its own buckets (unique names starting "dgc-") and removes
// them, with their objects, afterwards, so the suite can run against a shared
// remote endpoint.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "deltaglider/ports/object_store.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider::testing {

struct StorageFactory {
  // Suffix of the test names: letters, digits and '_' only.
  std::string name;
  // A fresh Storage. `scratch_dir` is an empty local directory that outlives the
  // Storage (a directory store keeps its buckets there; others ignore it).
  std::function<Result<std::unique_ptr<Storage>>(const std::string& scratch_dir)> make;
};

// Test output shows the factory by name.
void PrintTo(const StorageFactory& factory, std::ostream* out);

// For INSTANTIATE_TEST_SUITE_P's name generator argument.
std::string StorageFactoryName(const ::testing::TestParamInfo<StorageFactory>& info);

class ObjectStoreConformance : public ::testing::TestWithParam<StorageFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Storage& storage() { return *storage_; }
  // A bucket name no other test uses ("dgc-<random>-<n>"), not yet created.
  std::string UniqueBucketName();
  // Creates a fresh bucket (removed after the test) and opens it.
  ObjectStore& NewBucket();
  // Same as NewBucket(), also returning the bucket's name.
  ObjectStore& NewBucket(std::string* name);

 private:
  // Declared first so it is removed last, after the Storage that lives in it.
  TempDir scratch_;
  std::unique_ptr<Storage> storage_;
  std::vector<std::string> created_buckets_;
  std::vector<std::unique_ptr<ObjectStore>> stores_;
};

}  // namespace deltaglider::testing
