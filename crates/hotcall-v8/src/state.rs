//! Per-isolate FFI state, kept in an isolate slot: the configuration, the
//! slow-call counter, pending nonblocking promises and the metadata that
//! native functions point at.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::{FfiPermissions, TaskSender};

/// A collectable function (weakly) and the cell it calls through.
type Collectable = (v8::Weak<v8::Function>, Rc<crate::symbol::SymbolCell>);

/// Everything the FFI natives of one isolate share.
pub struct FfiState {
    pub permissions: FfiPermissions,
    pub tasks: TaskSender,
    /// Calls that went through a slow (non-fast-API) callback.
    pub slow_calls: Cell<u64>,
    /// Promises of nonblocking calls in flight, by call id.
    pending: RefCell<HashMap<u64, v8::Global<v8::PromiseResolver>>>,
    next_id: Cell<u64>,
    /// Owners of data that V8 functions point at (via `v8::External`);
    /// they live as long as the isolate.
    anchors: RefCell<Vec<Rc<dyn std::any::Any>>>,
    /// `Deno.errors.PermissionDenied`, recorded by `install`.
    permission_denied: RefCell<Option<v8::Global<v8::Function>>>,
    /// Open libraries by the id their `close()` carries; closing drops the
    /// entry, so a closed library's handle is freed with its last call.
    libraries: RefCell<HashMap<u64, Rc<crate::symbol::LibHandle>>>,
    /// Collectable functions (`UnsafeFnPointer`) by id, with the cell they
    /// call through: the weak handle's finalizer drops both.
    collectable: RefCell<HashMap<u64, Collectable>>,
    /// Closed libraries' symbol functions, for reuse, and the out cells.
    pub pool: RefCell<crate::symbol_pool::SymbolPool>,
}

impl FfiState {
    /// The state of `scope`'s isolate, creating it on first use.
    pub fn init(
        scope: &mut v8::Isolate,
        permissions: FfiPermissions,
        tasks: TaskSender,
    ) -> Rc<FfiState> {
        let state = Rc::new(FfiState {
            permissions,
            tasks,
            slow_calls: Cell::new(0),
            pending: RefCell::new(HashMap::new()),
            next_id: Cell::new(1),
            anchors: RefCell::new(Vec::new()),
            permission_denied: RefCell::new(None),
            libraries: RefCell::new(HashMap::new()),
            collectable: RefCell::new(HashMap::new()),
            pool: RefCell::new(Default::default()),
        });
        scope.set_slot(state.clone());
        state
    }

    /// The state installed in this isolate.
    pub fn get(isolate: &v8::Isolate) -> Rc<FfiState> {
        isolate
            .get_slot::<Rc<FfiState>>()
            .expect("hotcall_v8::install was called for this isolate")
            .clone()
    }

    /// Records the class of permission errors.
    pub fn set_permission_denied_class(&self, class: v8::Global<v8::Function>) {
        *self.permission_denied.borrow_mut() = Some(class);
    }

    /// The class of permission errors, if recorded.
    pub fn permission_denied_class(&self) -> Option<v8::Global<v8::Function>> {
        self.permission_denied.borrow().clone()
    }

    /// `Ok` if the script may use native capabilities at all (any
    /// `--allow-ffi`, even one limited to paths), else the
    /// `PermissionDenied` to throw, naming `what` was refused.
    pub fn require_ffi(&self, what: &str) -> Result<(), crate::errors::Throw> {
        match self.permissions {
            crate::FfiPermissions::Denied => Err(crate::errors::Throw::PermissionDenied(format!(
                "Requires ffi access to use {what}, run again with the --allow-ffi flag"
            ))),
            _ => Ok(()),
        }
    }

    /// Counts one slow call.
    pub fn count_slow_call(&self) {
        self.slow_calls.set(self.slow_calls.get() + 1);
    }

    /// Keeps `owner` alive as long as the isolate; returns a raw pointer
    /// to it, valid for that long.
    pub fn anchor<T: 'static>(&self, owner: Rc<T>) -> *const T {
        let ptr = Rc::as_ptr(&owner);
        self.anchors.borrow_mut().push(owner);
        ptr
    }

    /// Registers an open library; returns the id that closes it.
    pub fn add_library(&self, handle: Rc<crate::symbol::LibHandle>) -> u64 {
        let id = self.next_id();
        self.libraries.borrow_mut().insert(id, handle);
        id
    }

    /// Unregisters library `id` (`None` if it was already closed).
    pub fn take_library(&self, id: u64) -> Option<Rc<crate::symbol::LibHandle>> {
        self.libraries.borrow_mut().remove(&id)
    }

    /// A fresh id (shared by every id kind of this state).
    pub fn next_id(&self) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    /// Keeps `cell` until the function `weak` refers to is collected.
    pub fn add_collectable(
        &self,
        id: u64,
        weak: v8::Weak<v8::Function>,
        cell: Rc<crate::symbol::SymbolCell>,
    ) {
        self.collectable.borrow_mut().insert(id, (weak, cell));
    }

    /// Drops what [`FfiState::add_collectable`] kept for `id`.
    pub fn drop_collectable(&self, id: u64) {
        let entry = self.collectable.borrow_mut().remove(&id);
        drop(entry);
    }

    /// Registers a promise resolver; returns the id its result comes back with.
    pub fn add_pending(&self, resolver: v8::Global<v8::PromiseResolver>) -> u64 {
        let id = self.next_id();
        self.pending.borrow_mut().insert(id, resolver);
        id
    }

    /// Takes the resolver of call `id`.
    pub fn take_pending(&self, id: u64) -> Option<v8::Global<v8::PromiseResolver>> {
        self.pending.borrow_mut().remove(&id)
    }
}
