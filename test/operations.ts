/**
 * The GraphQL operations the tests send, as a dashboard would. `npm run codegen` types them
 * into test/generated/operations.ts; CI fails when that file drifts from the schema.
 */
export const GRID = /* GraphQL */ `
  query Grid($code: String!) {
    grid(code: $code) {
      code
      name
      level
      riskColor
      households
      population
      parent {
        code
      }
      children {
        code
        level
      }
    }
  }
`;

export const GRIDS_PAGE = /* GraphQL */ `
  query GridsPage($under: String, $level: GridLevel, $first: Int, $after: String) {
    grids(under: $under, level: $level, first: $first, after: $after) {
      code
      name
      level
      parent {
        code
        name
      }
      members {
        name
        role
      }
    }
  }
`;

export const VIEWER = /* GraphQL */ `
  query Viewer {
    viewer {
      role
      scope
    }
  }
`;

export const CREATE_GRID = /* GraphQL */ `
  mutation CreateGrid($input: CreateGridInput!) {
    createGrid(input: $input) {
      code
      name
      level
      depth
      parent {
        code
      }
    }
  }
`;

export const RENAME_GRID = /* GraphQL */ `
  mutation RenameGrid($code: String!, $name: String!) {
    renameGrid(code: $code, name: $name) {
      code
      name
    }
  }
`;

export const RECOLOR_GRID = /* GraphQL */ `
  mutation RecolorGrid($code: String!, $color: RiskColor!) {
    recolorGrid(code: $code, color: $color) {
      code
      riskColor
    }
  }
`;

export const MOVE_GRID = /* GraphQL */ `
  mutation MoveGrid($code: String!, $parent: String!) {
    moveGrid(code: $code, parent: $parent) {
      code
      depth
      parent {
        code
      }
    }
  }
`;

export const DELETE_GRID = /* GraphQL */ `
  mutation DeleteGrid($code: String!) {
    deleteGrid(code: $code) {
      code
    }
  }
`;

export const REGISTER_MEMBER = /* GraphQL */ `
  mutation RegisterMember($input: RegisterMemberInput!) {
    registerMember(input: $input) {
      id
      name
      role
    }
  }
`;

export const ISSUE_TOKEN = /* GraphQL */ `
  mutation IssueToken($input: IssueTokenInput!) {
    issueToken(input: $input) {
      id
      token
      role
      grid
      expiresAt
    }
  }
`;

export const REVOKE_TOKEN = /* GraphQL */ `
  mutation RevokeToken($id: ID!) {
    revokeToken(id: $id)
  }
`;

export const TOKENS = /* GraphQL */ `
  query Tokens($label: String, $first: Int) {
    tokens(label: $label, first: $first) {
      id
      label
      role
      grid
      revokedAt
    }
  }
`;

export const REVOKE_TOKENS_BY_LABEL = /* GraphQL */ `
  mutation RevokeTokensByLabel($label: String!) {
    revokeTokensByLabel(label: $label)
  }
`;

export const GRID_CHANGED = /* GraphQL */ `
  subscription GridChanged($scope: String) {
    gridChanged(scope: $scope) {
      kind
      code
      name
      riskColor
      detail
    }
  }
`;

/** Send with the operations that spread it: `CLEARANCE_ROUND + CLEARANCE_ROUND_FIELDS`. */
export const CLEARANCE_ROUND_FIELDS = /* GraphQL */ `
  fragment ClearanceRoundFields on ClearanceRound {
    code
    period
    date
    deadlineAt
    openedAt
    startsAt
    closedAt
    progress {
      targets
      confirmed
      zeroReports
      missed
      late
      pending
      flagged
    }
    children {
      grid {
        code
      }
      progress {
        targets
        confirmed
        zeroReports
        missed
      }
    }
  }
`;

export const CLEARANCE_ROUND = /* GraphQL */ `
  query ClearanceRound($period: ClearancePeriod!, $date: String, $scope: String, $status: ClearanceSlotStatus) {
    clearanceRound(period: $period, date: $date, scope: $scope) {
      ...ClearanceRoundFields
      slots(status: $status, first: 200) {
        grid {
          code
        }
        status
        zeroReport
        late
        note
        flaggedIncidents
      }
    }
  }
`;

export const CONFIRM_CLEARANCE = /* GraphQL */ `
  mutation ConfirmClearance($period: ClearancePeriod!, $grid: String, $note: String, $zeroReport: Boolean) {
    confirmClearance(period: $period, grid: $grid, note: $note, zeroReport: $zeroReport) {
      round
      period
      alreadyConfirmed
      message
      slot {
        grid {
          code
        }
        status
        zeroReport
        late
        flaggedIncidents
      }
    }
  }
`;

export const CLEARANCE_PROGRESS = /* GraphQL */ `
  subscription ClearanceProgress($scope: String, $period: ClearancePeriod) {
    clearanceProgress(scope: $scope, period: $period) {
      ...ClearanceRoundFields
    }
  }
`;

export const CLEARANCE_RECORD = /* GraphQL */ `
  query ClearanceRecord($grid: String!, $period: ClearancePeriod, $last: Int) {
    clearanceRecord(grid: $grid, period: $period, last: $last) {
      grid
      period
      rounds
      onTime
      late
      missed
      zeroReports
      flagged
      onTimeRate
      streak
      longestStreak
      entries {
        round
        status
        late
      }
    }
  }
`;

export const REPORT_INCIDENT = /* GraphQL */ `
  mutation ReportIncident($input: ReportIncidentInput!) {
    reportIncident(input: $input) {
      code
      status
      category
      urgent
      deadlineAt
      createdAt
      grid {
        code
      }
      disputeColor
    }
  }
`;

export const INCIDENT = /* GraphQL */ `
  query Incident($code: String!) {
    incident(code: $code) {
      code
      status
      satisfied
      timeline {
        event
        from
        to
        note
        photos
      }
    }
  }
`;

/** Send with the operations that spread it: `INCIDENT_PLACE + INCIDENT_PLACE_FIELDS`. */
export const INCIDENT_PLACE_FIELDS = /* GraphQL */ `
  fragment IncidentPlaceFields on Incident {
    code
    location
    place {
      name
      address
      latitude
      longitude
    }
  }
`;

export const INCIDENT_PLACE = /* GraphQL */ `
  query IncidentPlace($code: String!) {
    incident(code: $code) {
      ...IncidentPlaceFields
      timeline {
        event
        note
        photos
      }
    }
  }
`;

export const REPORT_INCIDENT_AT = /* GraphQL */ `
  mutation ReportIncidentAt($input: ReportIncidentInput!) {
    reportIncident(input: $input) {
      ...IncidentPlaceFields
    }
  }
`;

export const INCIDENTS = /* GraphQL */ `
  query Incidents($filter: IncidentFilter, $first: Int, $after: String) {
    incidents(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          code
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const INCIDENT_TIMELINES = /* GraphQL */ `
  query IncidentTimelines($filter: IncidentFilter, $first: Int) {
    incidents(filter: $filter, first: $first) {
      edges {
        node {
          code
          timeline {
            event
            at
          }
        }
      }
    }
  }
`;

export const ESCALATE_INCIDENT = /* GraphQL */ `
  mutation EscalateIncident($code: String!, $note: String) {
    escalateIncident(code: $code, note: $note) {
      code
      status
    }
  }
`;

export const ACCEPT_INCIDENT = /* GraphQL */ `
  mutation AcceptIncident($code: String!, $note: String) {
    acceptIncident(code: $code, note: $note) {
      code
      status
    }
  }
`;

export const DISPATCH_INCIDENT = /* GraphQL */ `
  mutation DispatchIncident($code: String!, $department: String!, $deadline: DateTimeISO) {
    dispatchIncident(code: $code, department: $department, deadline: $deadline) {
      code
      status
    }
  }
`;

export const START_INCIDENT = /* GraphQL */ `
  mutation StartIncident($code: String!) {
    startIncident(code: $code) {
      code
      status
    }
  }
`;

export const RESOLVE_INCIDENT = /* GraphQL */ `
  mutation ResolveIncident($code: String!, $note: String!, $photos: [String!]!) {
    resolveIncident(code: $code, note: $note, photos: $photos) {
      code
      status
    }
  }
`;

export const VERIFY_INCIDENT = /* GraphQL */ `
  mutation VerifyIncident($code: String!, $photos: [String!]!, $note: String) {
    verifyIncident(code: $code, photos: $photos, note: $note) {
      code
      status
    }
  }
`;

export const RATE_INCIDENT = /* GraphQL */ `
  mutation RateIncident($code: String!, $satisfied: Boolean!, $note: String) {
    rateIncident(code: $code, satisfied: $satisfied, note: $note) {
      code
      status
    }
  }
`;

export const HANDLE_INCIDENT = /* GraphQL */ `
  mutation HandleIncident($code: String!, $note: String!) {
    handleIncident(code: $code, note: $note) {
      code
      status
    }
  }
`;

export const MEDIATE_INCIDENT = /* GraphQL */ `
  mutation MediateIncident($code: String!, $outcome: MediationOutcome!, $note: String) {
    mediateIncident(code: $code, outcome: $outcome, note: $note) {
      disputeColor
      failedMediations
      status
    }
  }
`;

export const INCIDENT_CHANGED = /* GraphQL */ `
  subscription IncidentChanged($scope: String) {
    incidentChanged(scope: $scope) {
      code
      event
      status
    }
  }
`;

export const INCIDENT_CHANGED_WITH_INCIDENT = /* GraphQL */ `
  subscription IncidentChangedWithIncident($scope: String) {
    incidentChanged(scope: $scope) {
      code
      event
      incident {
        code
        status
        category
        urgent
        grid {
          code
          name
        }
        department
        deadlineAt
      }
    }
  }
`;

export const INCIDENTS_BY_DEPARTMENT = /* GraphQL */ `
  query IncidentsByDepartment($filter: IncidentFilter) {
    incidents(filter: $filter, first: 50) {
      edges {
        node {
          code
          status
          department
          deadlineAt
        }
      }
    }
  }
`;

export const REOPEN_INCIDENT = /* GraphQL */ `
  mutation ReopenIncident($code: String!, $note: String!) {
    reopenIncident(code: $code, note: $note) {
      code
      status
    }
  }
`;

export const RETURN_INCIDENT = /* GraphQL */ `
  mutation ReturnIncident($code: String!, $note: String!) {
    returnIncident(code: $code, note: $note) {
      code
      status
      department
    }
  }
`;

export const GRID_RISK_COLOURS = /* GraphQL */ `
  query GridRiskColours($under: String, $level: GridLevel, $first: Int) {
    grids(under: $under, level: $level, first: $first) {
      code
      riskColor
      suggestedRiskColor
    }
  }
`;

export const STATS = /* GraphQL */ `
  query Stats($scope: String, $from: DateTimeISO!, $to: DateTimeISO!) {
    stats(scope: $scope, from: $from, to: $to) {
      reported
      handledOnSite
      disposalRate
      closed
      completionRate
      overdue
      satisfactionRate
    }
  }
`;

/** The figures of Stats and of every breakdown slice (they all implement `Figures`). */
export const FIGURES_FIELDS = /* GraphQL */ `
  fragment FiguresFields on Figures {
    reported
    handledOnSite
    disposalRate
    closed
    completionRate
    onTime
    onTimeRate
    overdue
    open
    satisfactionRate
    medianHoursToClose
  }
`;

/** Send with FIGURES_FIELDS appended. */
export const STATS_BREAKDOWNS = /* GraphQL */ `
  query StatsBreakdowns($scope: String, $from: DateTimeISO!, $to: DateTimeISO!) {
    stats(scope: $scope, from: $from, to: $to) {
      ...FiguresFields
      byGrid {
        grid {
          code
        }
        ...FiguresFields
      }
      byCategory {
        category
        ...FiguresFields
      }
      byDepartment {
        department
        ...FiguresFields
      }
      byDay {
        day
        ...FiguresFields
      }
    }
  }
`;

export const LEAGUE = /* GraphQL */ `
  query League($scope: String, $from: DateTimeISO!, $to: DateTimeISO!) {
    league(scope: $scope, from: $from, to: $to) {
      rank
      grid {
        code
      }
      score
      reported
      disposalRate
      onTimeRate
      satisfactionRate
      clearanceRounds
      clearanceOnTime
      clearanceOnTimeRate
    }
  }
`;

export const STATS_CHANGED_BY_GRID = /* GraphQL */ `
  subscription StatsChangedByGrid($scope: String) {
    statsChanged(scope: $scope) {
      reported
      byGrid {
        grid {
          code
        }
        reported
      }
      byCategory {
        category
        reported
      }
    }
  }
`;

export const STATS_CHANGED = /* GraphQL */ `
  subscription StatsChanged($scope: String) {
    statsChanged(scope: $scope) {
      reported
      closed
    }
  }
`;

export const ISSUE_INSTRUCTION = /* GraphQL */ `
  mutation IssueInstruction($input: IssueInstructionInput!) {
    issueInstruction(input: $input) {
      code
      grade
      title
      status
      targets
      levels
      ackDeadlineAt
      resultDeadlineAt
      scope {
        code
      }
      progress {
        targets
        acknowledged
        reported
        overdue
      }
    }
  }
`;

export const ACKNOWLEDGE_INSTRUCTION = /* GraphQL */ `
  mutation AcknowledgeInstruction($code: String, $grid: String, $note: String) {
    acknowledgeInstruction(code: $code, grid: $grid, note: $note) {
      counted
      acknowledged
      reported
      instruction {
        code
      }
      grid {
        code
      }
    }
  }
`;

export const REPORT_INSTRUCTION_RESULT = /* GraphQL */ `
  mutation ReportInstructionResult($code: String, $grid: String, $result: String!) {
    reportInstructionResult(code: $code, grid: $grid, result: $result) {
      counted
      reported
    }
  }
`;

export const AMEND_INSTRUCTION = /* GraphQL */ `
  mutation AmendInstruction($code: String!, $text: String!) {
    amendInstruction(code: $code, text: $text) {
      code
    }
  }
`;

export const CANCEL_INSTRUCTION = /* GraphQL */ `
  mutation CancelInstruction($code: String!, $reason: String) {
    cancelInstruction(code: $code, reason: $reason) {
      status
      cancelReason
    }
  }
`;

/** An instruction with its progress overall and per level, its updates, and a page of receipts. */
export const INSTRUCTION = /* GraphQL */ `
  query Instruction($code: String!, $receipts: Int, $under: String) {
    instruction(code: $code) {
      code
      progress {
        targets
        acknowledged
        reported
        overdue
      }
      levelProgress {
        level
        progress {
          targets
          reported
        }
      }
      updates {
        seq
        kind
      }
      receipts(first: $receipts, under: $under) {
        grid {
          code
        }
        result
        answers
        reportedBy
        acknowledgedBy
        ackOverdueAt
      }
    }
  }
`;

export const INSTRUCTION_ISSUED = /* GraphQL */ `
  subscription InstructionIssued($scope: String) {
    instructionIssued(scope: $scope) {
      code
      grade
      title
      progress {
        targets
        acknowledged
      }
    }
  }
`;

export const INSTRUCTION_PROGRESS = /* GraphQL */ `
  subscription InstructionProgress($code: String!) {
    instructionProgress(code: $code) {
      code
      progress {
        targets
        acknowledged
        reported
      }
    }
  }
`;

export const OUTBOX_MESSAGES = /* GraphQL */ `
  query OutboxMessages($under: String, $ref: String, $first: Int) {
    outboxMessages(under: $under, ref: $ref, first: $first) {
      ref
      grid
      kind
      status
      text
      attempts
      createdAt
      sentAt
    }
  }
`;

export const BOTS = /* GraphQL */ `
  query Bots {
    bots {
      name
      state
    }
  }
`;

/** Demo mode only: speak into a grid's mock WeChat group (see test/setup/bot.ts `say`). */
export const SIMULATE_MESSAGE = /* GraphQL */ `
  mutation SimulateMessage($grid: String!, $from: String!, $text: String, $image: String, $location: PlaceInput) {
    simulateMessage(grid: $grid, from: $from, text: $text, image: $image, location: $location)
  }
`;

export const ISSUE_BIND_CODE = /* GraphQL */ `
  mutation IssueBindCode($member: Int!) {
    issueBindCode(member: $member) {
      code
    }
  }
`;

export const PENDING_BINDINGS = /* GraphQL */ `
  query PendingBindings {
    pendingBindings {
      code
      member
      memberName
      contactName
    }
  }
`;

export const CONFIRM_BINDING = /* GraphQL */ `
  mutation ConfirmBinding($code: String!) {
    confirmBinding(code: $code)
  }
`;

export const BIND_ALERTS = /* GraphQL */ `
  query BindAlerts($first: Int) {
    bindAlerts(first: $first) {
      locked
      contactName
      lockedUntil
    }
  }
`;

export const BIND_GROUP = /* GraphQL */ `
  mutation BindGroup($roomId: String!, $grid: String!, $botAccount: String) {
    bindGroup(roomId: $roomId, grid: $grid, botAccount: $botAccount) {
      roomId
      botAccount
      grid
    }
  }
`;

export const UNBIND_GROUP = /* GraphQL */ `
  mutation UnbindGroup($roomId: String!) {
    unbindGroup(roomId: $roomId) {
      roomId
    }
  }
`;

export const INCIDENT_CATEGORY = /* GraphQL */ `
  query IncidentCategory($code: String!) {
    incident(code: $code) {
      code
      category
      description
      urgent
      categoryGuesses {
        category
        confidence
      }
      timeline {
        event
        from
        to
        actorRole
        note
      }
    }
  }
`;

export const MERGE_INCIDENTS = /* GraphQL */ `
  mutation MergeIncidents($survivor: String!, $duplicate: String!) {
    mergeIncidents(survivor: $survivor, duplicate: $duplicate) {
      code
      status
      timeline {
        event
        note
        photos
      }
    }
  }
`;

export const RECATEGORIZE_INCIDENT = /* GraphQL */ `
  mutation RecategorizeIncident($code: String!, $category: IncidentCategory!) {
    recategorizeIncident(code: $code, category: $category) {
      code
      category
      categoryGuesses {
        category
        confidence
      }
    }
  }
`;

export const SPLIT_INCIDENT = /* GraphQL */ `
  mutation SplitIncident($code: String!) {
    splitIncident(code: $code) {
      code
      status
      duplicateOf
      mergedInto
    }
  }
`;

export const INCIDENT_LINKS = /* GraphQL */ `
  query IncidentLinks($code: String!) {
    incident(code: $code) {
      code
      status
      duplicateOf
      mergedInto
    }
  }
`;

/** Every bot account of the fleet, across instances (issue 11). */
export const FLEET = /* GraphQL */ `
  query Fleet {
    bots {
      name
      state
      status
      instance
      sendsToday
    }
  }
`;

export const ADD_BOT_ACCOUNT = /* GraphQL */ `
  mutation AddBotAccount($name: String!, $credentialsRef: String) {
    addBotAccount(name: $name, credentialsRef: $credentialsRef) {
      name
      status
    }
  }
`;

export const RETIRE_BOT_ACCOUNT = /* GraphQL */ `
  mutation RetireBotAccount($name: String!) {
    retireBotAccount(name: $name) {
      name
      status
    }
  }
`;

export const DELIVERY_PROGRESS = /* GraphQL */ `
  query DeliveryProgress($ref: String!) {
    deliveryProgress(ref: $ref) {
      ref
      total {
        queued
        sent
        failed
        undeliverable
      }
      lanes {
        lane
        priority
        queued
        sent
      }
      accounts {
        account
        queued
        sent
      }
    }
  }
`;

export const OUTBOX_ROUTING = /* GraphQL */ `
  query OutboxRouting($ref: String, $first: Int) {
    outboxMessages(ref: $ref, first: $first) {
      grid
      kind
      status
      account
      priority
      lane
    }
  }
`;
/** Delivery of an instruction (issue 11): who was told, who is still being told, who cannot be reached; per grid, per level, per child. */
export const INSTRUCTION_DELIVERY = /* GraphQL */ `
  query InstructionDelivery($code: String!, $under: String) {
    instruction(code: $code) {
      code
      progress {
        targets
        delivered
        delivering
        unreachable
        acknowledged
        overdue
      }
      levelProgress {
        level
        progress {
          targets
          delivered
          delivering
          unreachable
        }
      }
      childProgress(under: $under) {
        grid {
          code
        }
        progress {
          targets
          delivered
          delivering
          unreachable
          overdue
        }
      }
      unreachableGrids(first: 50) {
        total
        grids {
          grid {
            code
            name
          }
          unreachableReason
          unreachableAt
        }
      }
      receipts(first: 200) {
        grid {
          code
        }
        deliveredAt
        deliveredVia
        ackDueAt
        resultDueAt
        unreachableReason
        ackOverdueAt
      }
    }
  }
`;

export const INSTRUCTION_DELIVERY_PROGRESS = /* GraphQL */ `
  subscription InstructionDeliveryProgress($code: String!) {
    instructionProgress(code: $code) {
      code
      progress {
        targets
        delivered
        delivering
        unreachable
      }
    }
  }
`;

export const SET_GRID_WECOM_WEBHOOK = /* GraphQL */ `
  mutation SetGridWecomWebhook($grid: String!, $url: String) {
    setGridWecomWebhook(grid: $grid, url: $url) {
      grid
      kind
      hint
    }
  }
`;

export const GRID_CHANNELS = /* GraphQL */ `
  query GridChannels($under: String) {
    gridChannels(under: $under) {
      grid
      kind
      hint
      pending
      sent
      failed
    }
  }
`;
export const JOINT_DISPATCH = /* GraphQL */ `
  mutation JointDispatch($code: String!, $department: String!, $coDepartments: [String!], $deadline: DateTimeISO) {
    dispatchIncident(code: $code, department: $department, coDepartments: $coDepartments, deadline: $deadline) {
      code
      status
      department
      departments {
        name
        lead
        status
        deadlineAt
        note
      }
    }
  }
`;

export const INCIDENT_DEPARTMENTS = /* GraphQL */ `
  query IncidentDepartments($code: String!) {
    incident(code: $code) {
      code
      status
      satisfied
      department
      departments {
        name
        lead
        status
        deadlineAt
        note
      }
      timeline {
        event
        actorRole
        note
      }
    }
  }
`;

export const RESOLVE_WITH_NOTE = /* GraphQL */ `
  mutation ResolveWithNote($code: String!, $note: String!) {
    resolveIncident(code: $code, note: $note) {
      code
      status
    }
  }
`;

export const BIND_DEPARTMENT_GROUP = /* GraphQL */ `
  mutation BindDepartmentGroup($roomId: String!, $grid: String!, $department: String!, $botAccount: String) {
    bindDepartmentGroup(roomId: $roomId, grid: $grid, department: $department, botAccount: $botAccount) {
      roomId
      botAccount
      grid
      department
    }
  }
`;

export const SET_DEPARTMENT_HEAD = /* GraphQL */ `
  mutation SetDepartmentHead($grid: String!, $department: String!, $member: Int!) {
    setDepartmentHead(grid: $grid, department: $department, member: $member) {
      id
      name
      head {
        id
        name
      }
    }
  }
`;
/** A spreadsheet of a period and subtree over GraphQL (issue 14, point 17). */
export const EXPORT_FILE = /* GraphQL */ `
  query ExportFile($what: ExportKind!, $format: ExportFormat!, $from: String!, $to: String!, $scope: String) {
    exportFile(what: $what, format: $format, from: $from, to: $to, scope: $scope) {
      fileName
      contentType
      rows
      size
      base64
    }
  }
`;
