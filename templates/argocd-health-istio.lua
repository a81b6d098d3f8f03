-- Argo CD health check of sailoperator.io/Istio, written by gwc
-- (templates/argocd-health-istio.lua).  A sync wave waits only for the
-- resources that have a health check, and Argo CD has none for Istio:
-- without this one the gateway's waves start before sail-operator has
-- installed the injection template the gateway pods need.
--
-- Argo CD runs it with gopher-lua (Lua 5.1), the live object in the global
-- obj, and takes the returned table: status Healthy, Progressing or
-- Degraded, and a message.  A Degraded resource fails the sync, so only
-- what waiting does not cure is Degraded: sail-operator's failure to
-- reconcile the spec.  Healthy is the Ready condition, as
-- `kubectl wait --for condition=Ready istio/NAME` in the procedure.

local hs = {}
local name = "Istio " .. tostring(obj.metadata.name)
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
-- (right after a patch of the injection template, for one)
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

-- a failed reconcile first: the Ready of a control plane still running
-- from an older spec would say nothing of the new one
local reconciled = condition("Reconciled")
if reconciled ~= nil and reconciled.status == "False" then
  if reconciled.reason == "ActiveRevisionNotFound" then
    -- sail-operator has just created the revision and reads it back from
    -- a cache that may not hold it yet: its next reconcile finds it
    hs.status = "Progressing"
    hs.message = "waiting for the active IstioRevision of " .. name ..
      why(reconciled)
  else
    hs.status = "Degraded"
    hs.message = "sail-operator failed to reconcile " .. name ..
      why(reconciled)
  end
  return hs
end

local ready = condition("Ready")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "waiting for " .. name .. " to report its Ready condition"
elseif ready.status == "True" then
  hs.status = "Healthy"
  hs.message = name .. " is ready"
  if status.activeRevisionName ~= nil and status.activeRevisionName ~= "" then
    hs.message = hs.message .. " (active revision " ..
      status.activeRevisionName .. ")"
  end
else
  hs.status = "Progressing"
  hs.message = "waiting for " .. name .. " to become ready" .. why(ready)
end
return hs
