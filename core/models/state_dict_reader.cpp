#include "models/state_dict_reader.h"

#include "common/error.h"
#include "models/pickle_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <cstring>
#include <fstream>
#include <map>
#include <new>

#include <ATen/ops/empty.h>
#include <c10/util/Exception.h>

namespace kestrel::models {

namespace {

using pickle::PickleError;
using pickle::Value;
using pickle::ValuePtr;
using Kind = Value::Kind;

// torch.save names a storage by its legacy typed class, e.g. "torch.FloatStorage".
at::ScalarType storageType(const std::string& global) {
    static const std::map<std::string, at::ScalarType> types = {
        {"torch.FloatStorage", at::kFloat}, {"torch.DoubleStorage", at::kDouble},
        {"torch.HalfStorage", at::kHalf},   {"torch.BFloat16Storage", at::kBFloat16},
        {"torch.LongStorage", at::kLong},   {"torch.IntStorage", at::kInt},
        {"torch.ShortStorage", at::kShort}, {"torch.CharStorage", at::kChar},
        {"torch.ByteStorage", at::kByte},   {"torch.BoolStorage", at::kBool},
    };
    const auto found = types.find(global);
    if (found == types.end()) {
        throw PickleError("it holds a storage of type " + global);
    }
    return found->second;
}

int64_t asInt(const ValuePtr& value, const char* what) {
    if (!value->is(Kind::Int)) {
        throw PickleError(std::string("a tensor's ") + what + " is " + value->kindText() +
                          ", not an int");
    }
    return value->integer;
}

std::vector<int64_t> asInts(const ValuePtr& value, const char* what) {
    if (!value->is(Kind::Tuple)) {
        throw PickleError(std::string("a tensor's ") + what + " is " + value->kindText() +
                          ", not a tuple");
    }
    std::vector<int64_t> numbers;
    for (const auto& item : value->items) {
        numbers.push_back(asInt(item, what));
    }
    return numbers;
}

// Storages are records "data/<key>" beside data.pkl; a storage shared by several tensors
// (views) is read once.
class StorageLoader {
public:
    explicit StorageLoader(caffe2::serialize::PyTorchStreamReader& archive) : archive_(archive) {}

    // persistent id: ("storage", torch.<Type>Storage, key, location, element count)
    ValuePtr load(const ValuePtr& id) {
        if (!id->is(Kind::Tuple) || id->items.size() != 5 || !id->items[0]->is(Kind::String) ||
            id->items[0]->text != "storage" || !id->items[1]->is(Kind::Global) ||
            !id->items[2]->is(Kind::String)) {
            throw PickleError("it refers to outside data other than a tensor storage");
        }
        const at::ScalarType type = storageType(id->items[1]->text);
        const std::string& key = id->items[2]->text;
        const int64_t count = asInt(id->items[4], "storage size");

        auto value = Value::make(Kind::Tensor);
        auto cached = storages_.find(key);
        if (cached != storages_.end()) {
            value->tensor = cached->second;
            return value;
        }
        const std::string record = "data/" + key;
        if (!archive_.hasRecord(record)) {
            throw PickleError("its storage record " + record + " is missing");
        }
        auto [data, bytes] = archive_.getRecord(record);
        const auto elementSize = static_cast<int64_t>(c10::elementSize(type));
        if (count < 0 || count > static_cast<int64_t>(bytes) / elementSize) {
            throw PickleError("its storage record " + record + " holds " + std::to_string(bytes) +
                              " bytes, too few for " + std::to_string(count) + " elements");
        }
        at::Tensor storage = at::empty({count}, at::TensorOptions().dtype(type));
        if (count > 0) {
            std::memcpy(storage.data_ptr(), data.get(), static_cast<size_t>(count * elementSize));
        }
        storages_.emplace(key, storage);
        value->tensor = storage;
        return value;
    }

private:
    caffe2::serialize::PyTorchStreamReader& archive_;
    std::map<std::string, at::Tensor> storages_;
};

// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, ...):
// a strided view of a storage, copied out so that every tensor owns contiguous memory.
ValuePtr rebuildTensor(const ValuePtr& arguments) {
    const auto& items = arguments->items;
    if (items.size() < 4 || !items[0]->is(Kind::Tensor)) {
        throw PickleError("a tensor is rebuilt from arguments other than a storage");
    }
    const at::Tensor& storage = items[0]->tensor;
    const int64_t offset = asInt(items[1], "storage offset");
    const auto sizes = asInts(items[2], "size");
    const auto strides = asInts(items[3], "stride");
    if (sizes.size() != strides.size() || offset < 0) {
        throw PickleError("a tensor has a malformed size, stride or offset");
    }
    // The view must stay inside the storage and stay of a sane size.
    int64_t last = offset;
    int64_t elements = 1;
    for (size_t i = 0; i < sizes.size(); ++i) {
        int64_t reach = 0;
        if (sizes[i] < 0 || strides[i] < 0 ||
            __builtin_mul_overflow(sizes[i] == 0 ? 0 : sizes[i] - 1, strides[i], &reach) ||
            __builtin_add_overflow(last, reach, &last) ||
            __builtin_mul_overflow(elements, sizes[i], &elements) || elements > (1LL << 34)) {
            throw PickleError("a tensor has a malformed size or stride");
        }
    }
    if (elements > 0 && last >= storage.numel()) {
        throw PickleError("a tensor reaches past the end of its storage");
    }
    auto value = Value::make(Kind::Tensor);
    value->tensor = storage.as_strided(sizes, strides, offset).clone(at::MemoryFormat::Contiguous);
    return value;
}

ValuePtr reduce(const std::string& callable, const ValuePtr& arguments) {
    if (callable == "torch._utils._rebuild_tensor_v2") {
        return rebuildTensor(arguments);
    }
    if (callable == "torch._utils._rebuild_parameter" && !arguments->items.empty() &&
        arguments->items[0]->is(Kind::Tensor)) {
        return arguments->items[0]; // a Parameter's data; requires_grad is not kept
    }
    throw PickleError("it builds an object with " + callable +
                      ", which a state_dict does not hold");
}

const Value* findEntry(const Value& dict, const std::string& key) {
    for (const auto& [name, value] : dict.entries) {
        if (name->is(Kind::String) && name->text == key) {
            return value.get();
        }
    }
    return nullptr;
}

// The state_dict itself, or the one a checkpoint dict wraps.
const Value& stateDictIn(const Value& root) {
    if (!root.is(Kind::Dict)) {
        throw PickleError("it holds " + root.kindText() + ", not a dict of tensors");
    }
    for (const char* wrapper : {"state_dict", "model"}) {
        const Value* inner = findEntry(root, wrapper);
        if (inner && inner->is(Kind::Dict)) {
            return *inner;
        }
    }
    return root;
}

NamedTensors namedTensors(const Value& dict) {
    NamedTensors tensors;
    for (const auto& [name, value] : dict.entries) {
        if (!name->is(Kind::String)) {
            throw PickleError("it has " + name->kindText() + " as a key, not a name");
        }
        if (!value->is(Kind::Tensor)) {
            throw PickleError("it holds " + value->kindText() + " under \"" + name->text +
                              "\", not a tensor");
        }
        tensors.emplace_back(name->text, value->tensor);
    }
    return tensors;
}

std::string firstBytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::Io, "Cannot open " + file.string() + " for reading.");
    }
    std::string head(4, '\0');
    in.read(head.data(), 4);
    head.resize(static_cast<size_t>(in.gcount()));
    return head;
}

} // namespace

NamedTensors readStateDict(const std::filesystem::path& file) {
    std::error_code ignored;
    if (!std::filesystem::exists(file, ignored)) {
        throw Error(ErrorKind::NotFound, "The weights file " + file.string() + " does not exist.");
    }
    if (!std::filesystem::is_regular_file(file, ignored)) {
        throw Error(ErrorKind::InvalidArgument,
                    "The weights file " + file.string() + " is not a regular file.");
    }
    const auto fail = [&](const std::string& reason) {
        return Error(ErrorKind::Corrupt,
                     file.string() + " is not a PyTorch state_dict: " + reason + ".");
    };
    const std::string head = firstBytes(file);
    if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80 && head[1] == 0x02) {
        throw fail("it is in the legacy format of PyTorch before 1.6; save it again with "
                   "torch.save from a newer PyTorch");
    }
    if (head != std::string("PK\x03\x04", 4)) {
        throw fail("it is not the zip archive torch.save writes");
    }
    try {
        caffe2::serialize::PyTorchStreamReader archive(file.string());
        if (!archive.hasRecord("data.pkl")) {
            throw fail("the archive has no data.pkl record (a TorchScript or other archive?)");
        }
        auto [data, bytes] = archive.getRecord("data.pkl");
        StorageLoader storages(archive);
        pickle::UnpickleHooks hooks;
        hooks.persistentLoad = [&](const ValuePtr& id) {
            return storages.load(id);
        };
        hooks.reduce = reduce;
        const auto unpickled =
            pickle::unpickle(std::string_view(static_cast<const char*>(data.get()), bytes), hooks);
        return namedTensors(stateDictIn(unpickled.root()));
    } catch (const PickleError& error) {
        throw fail(error.what());
    } catch (const c10::Error& error) {
        throw fail(std::string("the archive cannot be read (") + error.what_without_backtrace() +
                   ")");
    } catch (const std::bad_alloc&) {
        throw fail("it describes more data than fits in memory");
    }
}

} // namespace kestrel::models
