/**
 * Every GraphQL operation the page sends. `npm run codegen` types them into
 * web/src/generated/operations.ts (CI fails when it drifts from schema.graphql).
 */
export const VIEWER = /* GraphQL */ `
  query WebViewer {
    viewer {
      role
      scope
    }
  }
`;

export const GRID_NODE = /* GraphQL */ `
  query WebGridNode($code: String!) {
    grid(code: $code) {
      code
      name
      level
      riskColor
      suggestedRiskColor
      parent {
        code
        name
      }
      children {
        code
        name
        level
        riskColor
        suggestedRiskColor
      }
    }
  }
`;

export const OPEN_INCIDENTS = /* GraphQL */ `
  query WebOpenIncidents($under: String!, $first: Int!) {
    incidents(filter: { under: $under, status: [REPORTED, ESCALATED, ACCEPTED, DISPATCHED, IN_PROGRESS, RETURNED] }, first: $first) {
      edges {
        node {
          deadlineAt
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`;


export const STATS_CHANGED = /* GraphQL */ `
  subscription WebStatsChanged($scope: String) {
    statsChanged(scope: $scope) {
      reported
      handledOnSite
      disposalRate
      closed
      completionRate
      overdue
      satisfactionRate
      medianHoursToClose
    }
  }
`;

export const INCIDENT_CHANGED = /* GraphQL */ `
  subscription WebIncidentChanged($scope: String) {
    incidentChanged(scope: $scope) {
      code
      event
      status
      at
    }
  }
`;

export const GRID_CHANGED = /* GraphQL */ `
  subscription WebGridChanged($scope: String) {
    gridChanged(scope: $scope) {
      kind
      code
      riskColor
    }
  }
`;

export const INCIDENTS = /* GraphQL */ `
  query WebIncidents($filter: IncidentFilter, $first: Int, $after: String) {
    incidents(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          code
          status
          category
          urgent
          disputeColor
          description
          grid {
            code
          }
          createdAt
          deadlineAt
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;

export const INCIDENT = /* GraphQL */ `
  query WebIncident($code: String!) {
    incident(code: $code) {
      code
      status
      category
      urgent
      disputeColor
      failedMediations
      description
      location
      satisfied
      grid {
        code
      }
      createdAt
      deadlineAt
      closedAt
      timeline {
        event
        from
        to
        actorRole
        note
        photos
        at
      }
    }
  }
`;

/** Departments serving a grid: its own and those of the grids above it (a few levels). */
export const DEPARTMENTS = /* GraphQL */ `
  query WebDepartments($code: String!) {
    grid(code: $code) {
      departments {
        name
      }
      parent {
        departments {
          name
        }
        parent {
          departments {
            name
          }
          parent {
            departments {
              name
            }
          }
        }
      }
    }
  }
`;

export const INCIDENT_STEPS = {
  handle: /* GraphQL */ `mutation WebHandle($code: String!, $note: String!) { handleIncident(code: $code, note: $note) { code status } }`,
  escalate: /* GraphQL */ `mutation WebEscalate($code: String!, $note: String) { escalateIncident(code: $code, note: $note) { code status } }`,
  accept: /* GraphQL */ `mutation WebAccept($code: String!, $note: String) { acceptIncident(code: $code, note: $note) { code status } }`,
  reject: /* GraphQL */ `mutation WebReject($code: String!, $reason: String!, $note: String) { rejectIncident(code: $code, reason: $reason, note: $note) { code status } }`,
  dispatch: /* GraphQL */ `mutation WebDispatch($code: String!, $department: String!, $deadline: DateTimeISO) { dispatchIncident(code: $code, department: $department, deadline: $deadline) { code status } }`,
  start: /* GraphQL */ `mutation WebStart($code: String!) { startIncident(code: $code) { code status } }`,
  return: /* GraphQL */ `mutation WebReturn($code: String!, $note: String!) { returnIncident(code: $code, note: $note) { code status } }`,
  resolve: /* GraphQL */ `mutation WebResolve($code: String!, $note: String!, $photos: [String!]!) { resolveIncident(code: $code, note: $note, photos: $photos) { code status } }`,
  verify: /* GraphQL */ `mutation WebVerify($code: String!, $note: String, $photos: [String!]!) { verifyIncident(code: $code, note: $note, photos: $photos) { code status } }`,
  rate: /* GraphQL */ `mutation WebRate($code: String!, $satisfied: Boolean!, $note: String) { rateIncident(code: $code, satisfied: $satisfied, note: $note) { code status } }`,
  close: /* GraphQL */ `mutation WebClose($code: String!, $note: String) { closeIncident(code: $code, note: $note) { code status } }`,
  reopen: /* GraphQL */ `mutation WebReopen($code: String!, $note: String!) { reopenIncident(code: $code, note: $note) { code status } }`,
  mediate: /* GraphQL */ `mutation WebMediate($code: String!, $outcome: MediationOutcome!, $note: String) { mediateIncident(code: $code, outcome: $outcome, note: $note) { code status } }`,
} as const;

export const ISSUE_INSTRUCTION = /* GraphQL */ `
  mutation WebIssueInstruction($input: IssueInstructionInput!) {
    issueInstruction(input: $input) {
      code
      targets
    }
  }
`;

export const INSTRUCTION_ISSUED = /* GraphQL */ `
  subscription WebInstructionIssued($scope: String) {
    instructionIssued(scope: $scope) {
      code
      grade
      title
      issuedAt
      targets
      status
    }
  }
`;


export const INSTRUCTION_PROGRESS = /* GraphQL */ `
  subscription WebInstructionProgress($code: String!) {
    instructionProgress(code: $code) {
      code
      grade
      title
      body
      status
      cancelReason
      issuedAt
      ackDeadlineAt
      resultDeadlineAt
      scope {
        code
        name
      }
      progress {
        targets
        acknowledged
        reported
        overdue
        ackRate
        resultRate
      }
      levelProgress {
        level
        progress {
          targets
          acknowledged
          reported
          overdue
          ackRate
          resultRate
        }
      }
      childProgress {
        grid {
          code
          name
        }
        progress {
          targets
          acknowledged
          reported
          overdue
          ackRate
          resultRate
        }
      }
      receipts(silentOnly: true, first: 50) {
        grid {
          code
          name
          level
        }
        acknowledgedAt
        items
      }
      updates {
        seq
        kind
        text
        at
      }
    }
  }
`;

export const GRID_CHIEFS = /* GraphQL */ `
  query WebGridChiefs($code: String!) {
    grid(code: $code) {
      code
      members {
        name
        role
        phone
      }
    }
  }
`;

export const CANCEL_INSTRUCTION = /* GraphQL */ `
  mutation WebCancelInstruction($code: String!, $reason: String) {
    cancelInstruction(code: $code, reason: $reason) {
      code
      status
    }
  }
`;

export const AMEND_INSTRUCTION = /* GraphQL */ `
  mutation WebAmendInstruction($code: String!, $text: String!) {
    amendInstruction(code: $code, text: $text) {
      code
      status
    }
  }
`;

export const CLEARANCE_PROGRESS = /* GraphQL */ `
  subscription WebClearanceProgress($scope: String, $period: ClearancePeriod!) {
    clearanceProgress(scope: $scope, period: $period) {
      code
      period
      date
      deadlineAt
      closedAt
      progress {
        targets
        confirmed
        zeroReports
        missed
        late
        pending
        flagged
        confirmedRate
      }
      children {
        grid {
          code
          name
        }
        progress {
          targets
          confirmed
          zeroReports
          missed
          pending
          flagged
        }
      }
      slots(first: 200) {
        grid {
          code
          name
        }
        status
        zeroReport
        late
        flaggedIncidents
        confirmedAt
        note
      }
    }
  }
`;

/** The bot accounts and the newest outbox messages (with when each was queued and sent). */
export const BOTS = /* GraphQL */ `
  query WebBots($status: String) {
    bots {
      name
      puppet
      state
      user
      error
      since
    }
    outboxMessages(first: 50, status: $status) {
      id
      grid
      kind
      ref
      status
      attempts
      lastError
      text
      createdAt
      sentAt
    }
  }
`;

export const STATS = /* GraphQL */ `
  query WebStats($scope: String, $from: DateTimeISO!, $to: DateTimeISO!) {
    stats(scope: $scope, from: $from, to: $to) {
      reported
      handledOnSite
      disposalRate
      closed
      completionRate
      overdue
      satisfactionRate
      medianHoursToClose
    }
  }
`;

export const ROOT_GRIDS = /* GraphQL */ `
  query WebRootGrids {
    grids(first: 1) {
      code
    }
  }
`;
