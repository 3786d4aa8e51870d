// Counts heap allocations by replacing the global allocation functions. Include it in exactly one
// source file of a test or bench program; read the count with normwatch::test::heap_allocations().
//
// Why every form is replaced: the standard library also allocates through the nothrow and array
// forms (std::stable_sort's temporary buffer takes `new (std::nothrow)`). Replacing only some of
// them pairs the sanitizer's operator new with our operator delete, which ASan reports as an
// alloc-dealloc mismatch. Over-aligned forms are left alone: they are not replaced, so their new
// and delete stay a matching pair, and nothing on the paths we count asks for them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace normwatch::test {

inline std::atomic<std::uint64_t> g_heap_allocations{0};

inline std::uint64_t heap_allocations() { return g_heap_allocations.load(std::memory_order_relaxed); }

// noinline: inlined into a caller, GCC 12 pairs malloc/free across the replaced operators and
// warns (-Wmismatched-new-delete) although they match.
[[gnu::noinline]] inline void* counted_malloc(std::size_t size) noexcept {
  g_heap_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace normwatch::test

[[gnu::noinline]] void* operator new(std::size_t size) {
  if (void* p = normwatch::test::counted_malloc(size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t size) {
  if (void* p = normwatch::test::counted_malloc(size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return normwatch::test::counted_malloc(size);
}
[[gnu::noinline]] void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return normwatch::test::counted_malloc(size);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
