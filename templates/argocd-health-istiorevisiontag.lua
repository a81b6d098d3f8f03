-- Argo CD health check of sailoperator.io/IstioRevisionTag, written by gwc
-- (templates/argocd-health-istiorevisiontag.lua).  A gateway whose pods
-- name a revision tag (istio.io/rev) is injected only once the tag points
-- to a revision; Argo CD has no health check for the tag, so a sync wave
-- would not wait for it.
--
-- Argo CD runs it with gopher-lua (Lua 5.1), the live object in the global
-- obj, and takes the returned table: status Healthy, Progressing or
-- Degraded, and a message.  A Degraded resource fails the sync, so only
-- what waiting does not cure is Degraded: a tag named as an IstioRevision
-- is.  The tag's other failures clear when what it refers to is there
-- (synced in the same wave, the Istio has no active revision for a
-- moment).  Its InUse condition is not waited for: the gateway pods that
-- use the tag come in a later wave.

local hs = {}
local name = "IstioRevisionTag " .. tostring(obj.metadata.name)
local status = obj.status

-- the condition of type kind, or nil
local function condition(kind)
  if type(status.conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

-- " (Reason): message" of a condition, each part when it is there
local function why(c)
  local s = ""
  if c.reason ~= nil and c.reason ~= "" then
    s = " (" .. c.reason .. ")"
  end
  if c.message ~= nil and c.message ~= "" then
    s = s .. ": " .. c.message
  end
  return s
end

if status == nil then
  hs.status = "Progressing"
  hs.message = "waiting for sail-operator to reconcile " .. name ..
    ": no status yet"
  return hs
end

-- a status of an older generation says nothing of the spec as it is now
local generation = obj.metadata.generation
local observed = status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "waiting for sail-operator to reconcile generation " ..
    tostring(generation) .. " of " .. name
  if observed ~= nil then
    hs.message = hs.message .. " (its status is of generation " ..
      tostring(observed) .. ")"
  end
  return hs
end

local reconciled = condition("Reconciled")
if reconciled == nil then
  hs.status = "Progressing"
  hs.message = "waiting for " .. name .. " to report its Reconciled condition"
elseif reconciled.status == "True" then
  hs.status = "Healthy"
  hs.message = name .. " is reconciled"
  if status.istioRevision ~= nil and status.istioRevision ~= "" then
    hs.message = name .. " points to IstioRevision " .. status.istioRevision
  end
elseif reconciled.reason == "NameAlreadyExists" then
  hs.status = "Degraded"
  hs.message = "sail-operator cannot reconcile " .. name .. why(reconciled) ..
    "; a tag needs a name no IstioRevision has"
else
  hs.status = "Progressing"
  hs.message = "waiting for " .. name .. " to be reconciled" .. why(reconciled)
end
return hs
