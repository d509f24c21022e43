//! The structured clone algorithm (`structuredClone`, `postMessage`) on
//! V8's own `ValueSerializer`/`ValueDeserializer`: a value becomes bytes
//! plus the backing stores of transferred `ArrayBuffer`s, which can cross
//! to another isolate (a worker) and be read back there.
//!
//! Transferred buffers are detached in the sending isolate and re-attached
//! (same memory, no copy) in the receiving one, as the HTML standard says.

/// A serialized value, ready to be read back in any isolate.
pub struct Serialized {
    bytes: Vec<u8>,
    transferred: Vec<v8::SharedRef<v8::BackingStore>>,
}

/// Throws a `DataCloneError` (an `Error` of that name, as Deno's
/// `DOMException` is named).
fn throw_data_clone_error(scope: &mut v8::HandleScope, message: v8::Local<v8::String>) {
    let error = v8::Exception::error(scope, message);
    if let Ok(object) = v8::Local::<v8::Object>::try_from(error) {
        let key = v8::String::new(scope, "name").expect("a short string");
        let name = v8::String::new(scope, "DataCloneError").expect("a short string");
        object.set(scope, key.into(), name.into());
    }
    scope.throw_exception(error);
}

fn throw_message(scope: &mut v8::HandleScope, message: &str) {
    let message = v8::String::new(scope, message).unwrap_or_else(|| v8::String::empty(scope));
    throw_data_clone_error(scope, message);
}

struct SerializerDelegate;

impl v8::ValueSerializerImpl for SerializerDelegate {
    fn throw_data_clone_error<'s>(
        &mut self,
        scope: &mut v8::HandleScope<'s>,
        message: v8::Local<'s, v8::String>,
    ) {
        throw_data_clone_error(scope, message);
    }
}

struct DeserializerDelegate;

impl v8::ValueDeserializerImpl for DeserializerDelegate {}

/// The `ArrayBuffer`s of a transfer list: each one once, each detachable.
/// `None` with a `DataCloneError` thrown otherwise.
fn transfer_list<'s>(
    scope: &mut v8::HandleScope<'s>,
    transfer: v8::Local<'s, v8::Value>,
) -> Option<Vec<v8::Local<'s, v8::ArrayBuffer>>> {
    if transfer.is_null_or_undefined() {
        return Some(Vec::new());
    }
    let Ok(list) = v8::Local::<v8::Array>::try_from(transfer) else {
        throw_message(scope, "the transfer list must be an array");
        return None;
    };
    let mut buffers: Vec<v8::Local<v8::ArrayBuffer>> = Vec::new();
    for i in 0..list.length() {
        let item = list.get_index(scope, i)?;
        let Ok(buffer) = v8::Local::<v8::ArrayBuffer>::try_from(item) else {
            throw_message(scope, "only ArrayBuffers can be transferred");
            return None;
        };
        if buffers.iter().any(|b| b.strict_equals(buffer.into())) {
            throw_message(scope, "an ArrayBuffer is listed twice in the transfer list");
            return None;
        }
        if buffer.was_detached() || !buffer.is_detachable() {
            throw_message(
                scope,
                "an ArrayBuffer in the transfer list is detached or not detachable",
            );
            return None;
        }
        buffers.push(buffer);
    }
    Some(buffers)
}

/// Serializes `value`, transferring the buffers of `transfer` (an array or
/// `undefined`). `None` with an exception pending on failure.
pub fn serialize<'s>(
    scope: &mut v8::HandleScope<'s>,
    value: v8::Local<'s, v8::Value>,
    transfer: v8::Local<'s, v8::Value>,
) -> Option<Serialized> {
    let buffers = transfer_list(scope, transfer)?;
    let context = scope.get_current_context();
    let mut serializer = v8::ValueSerializer::new(scope, Box::new(SerializerDelegate));
    for (id, buffer) in buffers.iter().enumerate() {
        v8::ValueSerializerHelper::transfer_array_buffer(&mut serializer, id as u32, *buffer);
    }
    v8::ValueSerializerHelper::write_header(&mut serializer);
    serializer.write_value(context, value)?;
    let bytes = serializer.release();
    let transferred = buffers
        .iter()
        .map(|buffer| {
            let store = buffer.get_backing_store();
            buffer.detach(None);
            store
        })
        .collect();
    Some(Serialized { bytes, transferred })
}

/// Reads a serialized value back in `scope`'s isolate. `None` with an
/// exception pending on failure.
pub fn deserialize<'s>(
    scope: &mut v8::HandleScope<'s>,
    data: Serialized,
) -> Option<v8::Local<'s, v8::Value>> {
    let context = scope.get_current_context();
    let buffers: Vec<v8::Local<v8::ArrayBuffer>> = data
        .transferred
        .iter()
        .map(|store| v8::ArrayBuffer::with_backing_store(scope, store))
        .collect();
    let mut deserializer =
        v8::ValueDeserializer::new(scope, Box::new(DeserializerDelegate), &data.bytes);
    for (id, buffer) in buffers.into_iter().enumerate() {
        v8::ValueDeserializerHelper::transfer_array_buffer(&mut deserializer, id as u32, buffer);
    }
    v8::ValueDeserializerHelper::read_header(&mut deserializer, context)?;
    deserializer.read_value(context)
}

/// `structuredClone(value, transferList)`.
pub fn op_structured_clone<'s>(
    scope: &mut v8::HandleScope<'s>,
    args: v8::FunctionCallbackArguments<'s>,
    mut rv: v8::ReturnValue,
) {
    let Some(data) = serialize(scope, args.get(0), args.get(1)) else {
        return;
    };
    if let Some(value) = deserialize(scope, data) {
        rv.set(value);
    }
}
