#include "models/pickle_reader.h"

#include <cstring>
#include <unordered_map>

namespace kestrel::models::pickle {

namespace {

using Kind = Value::Kind;

// The stack machine of pickletools' documentation, restricted to data-building opcodes.
class Machine {
public:
    Machine(std::string_view bytes, const UnpickleHooks& hooks) : bytes_(bytes), hooks_(hooks) {}
    ~Machine() {
        stack_.clear();
        memo_.clear();
        cutLinks(built_); // empty unless unpickling failed
    }
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Every value built, for Unpickled to own once run() has succeeded.
    std::vector<ValuePtr> takeBuilt() { return std::move(built_); }

    ValuePtr run() {
        while (pos_ < bytes_.size()) {
            opcodeAt_ = pos_;
            const uint8_t opcode = byte();
            if (opcode == '.') { // STOP
                return pop();
            }
            step(opcode);
        }
        fail("it is cut off before its STOP opcode");
    }

private:
    void step(uint8_t opcode) {
        switch (opcode) {
        case 0x80: { // PROTO
            const uint8_t protocol = byte();
            if (protocol < 2 || protocol > 5) {
                fail("it uses pickle protocol " + std::to_string(protocol));
            }
            return;
        }
        case 0x95: // FRAME: a length hint only
            take(8);
            return;
        case '(': // MARK
            marks_.push_back(stack_.size());
            return;
        case '}': // EMPTY_DICT
            return push(Value::make(Kind::Dict));
        case ']': // EMPTY_LIST
            return push(Value::make(Kind::List));
        case ')': // EMPTY_TUPLE
            return push(Value::make(Kind::Tuple));
        case 't': // TUPLE
            return push(sequence(Kind::Tuple, popToMark()));
        case 'l': // LIST
            return push(sequence(Kind::List, popToMark()));
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: // TUPLE3
            return push(sequence(Kind::Tuple, popCount(opcode - 0x84)));
        case 'd': { // DICT
            auto dict = Value::make(Kind::Dict);
            setItems(*dict, popToMark());
            return push(dict);
        }
        case 'X': // BINUNICODE
            return push(text(Kind::String, take(u32())));
        case 0x8c: // SHORT_BINUNICODE
            return push(text(Kind::String, take(byte())));
        case 0x8d: // BINUNICODE8
            return push(text(Kind::String, take(u64())));
        case 'U': // SHORT_BINSTRING
            return push(text(Kind::String, take(byte())));
        case 'C': // SHORT_BINBYTES
            return push(text(Kind::Bytes, take(byte())));
        case 'B': // BINBYTES
            return push(text(Kind::Bytes, take(u32())));
        case 'J': // BININT
            return push(integer(static_cast<int32_t>(u32())));
        case 'K': // BININT1
            return push(integer(byte()));
        case 'M': // BININT2
            return push(integer(static_cast<int64_t>(littleEndian(2))));
        case 0x8a: // LONG1
            return push(integer(long1()));
        case 'G': // BINFLOAT
            return push(binfloat());
        case 'N': // NONE
            return push(Value::make(Kind::None));
        case 0x88:   // NEWTRUE
        case 0x89: { // NEWFALSE
            auto value = Value::make(Kind::Bool);
            value->boolean = opcode == 0x88;
            return push(value);
        }
        case 'c': { // GLOBAL
            std::string module = line();
            return push(global(module + "." + line()));
        }
        case 0x93: { // STACK_GLOBAL
            auto name = popAs(Kind::String);
            auto module = popAs(Kind::String);
            return push(global(module->text + "." + name->text));
        }
        case 'Q': // BINPERSID
            return push(persistentLoad(pop()));
        case 'R': { // REDUCE
            auto arguments = popAs(Kind::Tuple);
            auto callable = popAs(Kind::Global);
            return push(reduce(callable->text, arguments));
        }
        case 'b': // BUILD: the state of an OrderedDict is its _metadata attribute; unused
            pop();
            top();
            return;
        case 's': { // SETITEM
            auto value = pop();
            auto key = pop();
            setItems(dictOnTop(), {key, value});
            return;
        }
        case 'u': { // SETITEMS
            auto items = popToMark();
            setItems(dictOnTop(), items);
            return;
        }
        case 'a': { // APPEND
            auto value = pop();
            listOnTop().items.push_back(value);
            return;
        }
        case 'e': { // APPENDS
            auto values = popToMark();
            auto& list = listOnTop();
            list.items.insert(list.items.end(), values.begin(), values.end());
            return;
        }
        case 'q': // BINPUT
            memo_[byte()] = top();
            return;
        case 'r': // LONG_BINPUT
            memo_[u32()] = top();
            return;
        case 0x94: // MEMOIZE
            memo_[static_cast<uint32_t>(memo_.size())] = top();
            return;
        case 'h': // BINGET
            return push(memoGet(byte()));
        case 'j': // LONG_BINGET
            return push(memoGet(u32()));
        case '0': // POP
            pop();
            return;
        case '1': // POP_MARK
            popToMark();
            return;
        case '2': // DUP
            return push(top());
        default:
            fail("it has the unsupported opcode 0x" + hex(opcode));
        }
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw PickleError(what + " (at byte " + std::to_string(opcodeAt_) + " of the pickle)");
    }

    static std::string hex(uint8_t value) {
        const char* digits = "0123456789abcdef";
        return {digits[value >> 4], digits[value & 0xf]};
    }

    // Reading the byte stream.
    std::string_view take(uint64_t count) {
        if (count > bytes_.size() - pos_) {
            fail("it is cut off");
        }
        auto piece = bytes_.substr(pos_, count);
        pos_ += count;
        return piece;
    }
    uint8_t byte() { return static_cast<uint8_t>(take(1)[0]); }
    uint64_t littleEndian(int count) {
        const auto piece = take(count);
        uint64_t value = 0;
        for (int i = count - 1; i >= 0; --i) {
            value = (value << 8) | static_cast<uint8_t>(piece[i]);
        }
        return value;
    }
    uint32_t u32() { return static_cast<uint32_t>(littleEndian(4)); }
    uint64_t u64() { return littleEndian(8); }
    std::string line() {
        const auto end = bytes_.find('\n', pos_);
        if (end == std::string_view::npos || end - pos_ > 256) {
            fail("a GLOBAL name is not terminated");
        }
        std::string result(bytes_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return result;
    }
    int64_t long1() {
        const uint8_t count = byte();
        if (count > 8) {
            fail("it has an integer wider than 64 bits");
        }
        if (count == 0) {
            return 0;
        }
        uint64_t value = littleEndian(count);
        if (count < 8 && (value >> (8 * count - 1)) != 0) {
            value |= ~uint64_t{0} << (8 * count); // sign-extend
        }
        return static_cast<int64_t>(value);
    }
    ValuePtr binfloat() {
        const auto piece = take(8);
        uint64_t bits = 0;
        for (char c : piece) { // big-endian
            bits = (bits << 8) | static_cast<uint8_t>(c);
        }
        auto value = Value::make(Kind::Float);
        std::memcpy(&value->real, &bits, sizeof bits);
        return value;
    }

    // Building values.
    static ValuePtr sequence(Kind kind, std::vector<ValuePtr> items) {
        auto value = Value::make(kind);
        value->items = std::move(items);
        return value;
    }
    static ValuePtr text(Kind kind, std::string_view content) {
        auto value = Value::make(kind);
        value->text = std::string(content);
        return value;
    }
    static ValuePtr integer(int64_t number) {
        auto value = Value::make(Kind::Int);
        value->integer = number;
        return value;
    }
    static ValuePtr global(std::string name) {
        auto value = Value::make(Kind::Global);
        value->text = std::move(name);
        return value;
    }
    ValuePtr persistentLoad(const ValuePtr& id) {
        if (!hooks_.persistentLoad) {
            fail("it refers to outside data");
        }
        return hooks_.persistentLoad(id);
    }
    ValuePtr reduce(const std::string& callable, const ValuePtr& arguments) {
        if (callable == "collections.OrderedDict" && arguments->items.empty()) {
            return Value::make(Kind::Dict);
        }
        if (!hooks_.reduce) {
            fail("it builds an object with " + callable);
        }
        return hooks_.reduce(callable, arguments);
    }
    void setItems(Value& dict, const std::vector<ValuePtr>& items) {
        if (items.size() % 2 != 0) {
            fail("a dict has a key without a value");
        }
        for (size_t i = 0; i < items.size(); i += 2) {
            const ValuePtr& key = items[i];
            bool replaced = false;
            if (key->is(Kind::String)) { // a later value for a key wins, as in Python
                for (auto& entry : dict.entries) {
                    if (entry.first->is(Kind::String) && entry.first->text == key->text) {
                        entry.second = items[i + 1];
                        replaced = true;
                        break;
                    }
                }
            }
            if (!replaced) {
                dict.entries.emplace_back(key, items[i + 1]);
            }
        }
    }

    // The stack, the marks and the memo.
    void push(ValuePtr value) {
        if (value->is(Kind::Tuple) || value->is(Kind::List) || value->is(Kind::Dict)) {
            built_.push_back(value);
        }
        stack_.push_back(std::move(value));
    }
    ValuePtr pop() {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
            fail("its stack runs empty");
        }
        auto value = std::move(stack_.back());
        stack_.pop_back();
        return value;
    }
    ValuePtr popAs(Kind kind) {
        auto value = pop();
        if (!value->is(kind)) {
            fail("it has " + value->kindText() + " where " + Value::make(kind)->kindText() +
                 " belongs");
        }
        return value;
    }
    std::vector<ValuePtr> popCount(size_t count) {
        std::vector<ValuePtr> items(count);
        for (size_t i = count; i > 0; --i) {
            items[i - 1] = pop();
        }
        return items;
    }
    std::vector<ValuePtr> popToMark() {
        if (marks_.empty()) {
            fail("it has no MARK where one is needed");
        }
        const size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<ValuePtr> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark),
                                    stack_.end());
        stack_.resize(mark);
        return items;
    }
    const ValuePtr& top() const {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
            fail("its stack runs empty");
        }
        return stack_.back();
    }
    Value& dictOnTop() {
        const auto& value = top();
        if (!value->is(Kind::Dict)) {
            fail("it sets items on " + value->kindText());
        }
        return *value;
    }
    Value& listOnTop() {
        const auto& value = top();
        if (!value->is(Kind::List)) {
            fail("it appends to " + value->kindText());
        }
        return *value;
    }
    ValuePtr memoGet(uint32_t index) {
        const auto found = memo_.find(index);
        if (found == memo_.end()) {
            fail("it refers to memo entry " + std::to_string(index) + ", which was never set");
        }
        return found->second;
    }

    std::string_view bytes_;
    const UnpickleHooks& hooks_;
    size_t pos_ = 0;
    size_t opcodeAt_ = 0;
    std::vector<ValuePtr> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint32_t, ValuePtr> memo_;
    std::vector<ValuePtr> built_; // containers only: the values that can link to others
};

} // namespace

Unpickled::Unpickled(ValuePtr root, std::vector<ValuePtr> built)
    : root_(std::move(root)), built_(std::move(built)) {}

Unpickled::~Unpickled() {
    if (root_) {
        root_->items.clear();
        root_->entries.clear();
    }
    cutLinks(built_);
}

Unpickled unpickle(std::string_view bytes, const UnpickleHooks& hooks) {
    Machine machine(bytes, hooks);
    ValuePtr root = machine.run();
    return Unpickled(std::move(root), machine.takeBuilt());
}

} // namespace kestrel::models::pickle
