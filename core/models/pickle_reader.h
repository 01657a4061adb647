#pragma once

// A small unpickler for the part of Python's pickle format that torch.save writes for a
// state_dict (protocol 2, and the protocol 4 additions newer PyTorch may emit). It exists
// because Debian's LibTorch 1.13 torch::pickle_load returns None for a collections
// .OrderedDict, which is what every state_dict is. It builds plain values only and never
// runs anything: objects it does not know are refused.

#include "models/pickle_value.h"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kestrel::models::pickle {

// What the caller supplies for the parts of a pickle that are PyTorch's, not Python's.
struct UnpickleHooks {
    // BINPERSID: the persistent id (a tuple naming a storage) to the object it stands for.
    std::function<ValuePtr(const ValuePtr& persistentId)> persistentLoad;
    // REDUCE of a global other than collections.OrderedDict: "module.name" and its argument
    // tuple. Throw PickleError for a callable that is not allowed.
    std::function<ValuePtr(const std::string& callable, const ValuePtr& arguments)> reduce;
};

// Malformed or unsupported pickle data; the message says what and where (byte offset).
class PickleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What unpickle() built: the root object, and every value made on the way. Its destructor
// cuts the links between them first, so that a pickle that makes a list contain itself
// cannot leak, and one nested 200,000 deep is not freed by 200,000 nested destructors.
class Unpickled {
public:
    Unpickled(ValuePtr root, std::vector<ValuePtr> built);
    ~Unpickled();
    Unpickled(const Unpickled&) = delete;
    Unpickled& operator=(const Unpickled&) = delete;
    Unpickled(Unpickled&&) = default;
    Unpickled& operator=(Unpickled&&) = delete;

    const Value& root() const { return *root_; }
    // For tests: the root without its lifetime guarantee.
    std::weak_ptr<Value> watchRoot() const { return root_; }

private:
    ValuePtr root_;
    std::vector<ValuePtr> built_;
};

// The object the pickle in `bytes` describes. Throws PickleError.
Unpickled unpickle(std::string_view bytes, const UnpickleHooks& hooks);

} // namespace kestrel::models::pickle
