#pragma once
// Answers of GET /api/v2/flows, kept while the org does not change.
//
// Why: a page of 500 flows is ~0.9 MB of JSON. Building it copies 5,000 flow
// pointers out of the store, filters them, sorts them (unless by id) and
// concatenates 500 pre-serialized flows; clients ask the same pages over and
// over (flowlink reads every page before each plan). So answers are cached,
// tagged with the store generation (OrgStore::generation): any write moves it
// and thereby invalidates every entry at once, no per-flow bookkeeping.
//
// Two levels, both least-recently-used and bounded in entries and bytes:
//  - the ordered matches of a query (filters + sort, paging left out): the
//    wire texts of the matching flows in answer order, so that asking another
//    page of the same query neither filters nor sorts again;
//  - a page's whole answer body, shared (never copied) by every answer.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/http_types.hpp"

namespace flowlink::emulator {

// A small LRU whose entries all belong to one store generation: meeting a
// newer generation empties it; an entry computed at an older one is dropped.
template <typename Value>
class GenerationLru {
 public:
  GenerationLru(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  std::shared_ptr<const Value> find(const std::string& key, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) {
      ++misses_;
      return nullptr;
    }
    auto it = index_.find(key);
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second);  // most recently used first
    ++hits_;
    return it->second->value;
  }

  void put(const std::string& key, std::uint64_t generation, std::shared_ptr<const Value> value, std::size_t bytes) {
    std::lock_guard lock(mutex_);
    if (generation < generation_) return;  // computed from flows that changed since
    if (generation > generation_) {
      order_.clear();
      index_.clear();
      bytes_ = 0;
      generation_ = generation;
    }
    if (bytes > max_bytes_ || max_entries_ == 0) return;
    if (auto it = index_.find(key); it != index_.end()) {  // raced with another request computing it
      bytes_ -= it->second->bytes;
      order_.erase(it->second);
      index_.erase(it);
    }
    order_.push_front(Entry{key, std::move(value), bytes});
    index_.emplace(key, order_.begin());
    bytes_ += bytes;
    while (!order_.empty() && (index_.size() > max_entries_ || bytes_ > max_bytes_)) {
      bytes_ -= order_.back().bytes;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  struct Stats {
    std::uint64_t hits = 0, misses = 0;
    std::size_t entries = 0, bytes = 0;
  };
  Stats stats() const {
    std::lock_guard lock(mutex_);
    return Stats{hits_, misses_, index_.size(), bytes_};
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Value> value;
    std::size_t bytes;
  };
  const std::size_t max_entries_, max_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  std::uint64_t generation_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

// The matching flows of one query, in answer order, as their wire texts.
struct OrderedListing {
  std::vector<std::shared_ptr<const std::string>> wires;
};

class ListingCache {
 public:
  // Defaults: a few hundred pages and 64 MB of bodies (all the pages of a
  // 5,000-flow org at one page size are ~4.5 MB); 64 orderings of at most
  // 16 MB of pointers (an ordering holds the wire texts it lists alive, the
  // flows' current ones unless they changed since).
  ListingCache(std::size_t max_pages = 256, std::size_t max_page_bytes = std::size_t{64} << 20,
               std::size_t max_orderings = 64, std::size_t max_ordering_bytes = std::size_t{16} << 20)
      : pages_(max_pages, max_page_bytes), orderings_(max_orderings, max_ordering_bytes) {}

  GenerationLru<std::string>& pages() { return pages_; }
  GenerationLru<OrderedListing>& orderings() { return orderings_; }

 private:
  GenerationLru<std::string> pages_;
  GenerationLru<OrderedListing> orderings_;
};

// Cache keys. Everything an answer depends on goes in, in arrival order (the
// paging URIs repeat the other parameters as given): `ordering_key` leaves
// pageSize/pageNumber out, `page_key` adds the parsed page.
std::string ordering_key(std::string_view path, const Query& query);
std::string page_key(std::string_view path, const Query& query, int page_size, int page_number);

}  // namespace flowlink::emulator
