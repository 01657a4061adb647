#pragma once

// The values pickle_reader builds: Python's None, bool, int, float, str, bytes, tuple, list,
// dict and globals, plus tensors made by the caller's hooks.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace kestrel::models::pickle {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    enum class Kind { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Global, Tensor };

    Kind kind = Kind::None;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0.0;
    std::string text;                                   // String, Bytes; Global: "module.name"
    std::vector<ValuePtr> items;                        // Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> entries; // Dict, in insertion order
    at::Tensor tensor;                                  // Tensor

    static ValuePtr make(Kind kind);
    bool is(Kind wanted) const { return kind == wanted; }
    // "a tuple", "an int", ...: for error messages.
    std::string kindText() const; // "a list", "an int 3": for error sentences
};

// Drops every value's references to others and then the values, so that each is freed on
// its own: no leak through cycles, no deep recursion for deep nesting.
void cutLinks(std::vector<ValuePtr>& values);

} // namespace kestrel::models::pickle
